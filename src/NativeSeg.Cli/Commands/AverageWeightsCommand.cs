using System.CommandLine;
using NativeSeg.Cli.Outputs;
using NativeSeg.Model.Weights;

namespace NativeSeg.Cli.Commands;

/// <summary>`nativeseg average-weights A B … -o OUT`: the element-wise mean of weights files of one run (a checkpoint average).</summary>
public static class AverageWeightsCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("weights") { Description = "Two or more weights files or checkpoints (.safetensors) of one network: epochs of one run, or runs from one starting point.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "Averaged weights file (.safetensors) to write.", Required = true };
        var command = new Command("average-weights", "Average weights files element by element (every tensor, batch-norm statistics included): the mean of a run's last epochs.")
        {
            inputs, output,
        };
        command.SetAction(result => CommandRunner.Run(_ =>
        {
            var paths = result.GetValue(inputs)!;
            string path = result.GetValue(output)!;
            if (paths.Length < 2)
                throw new UsageException($"average-weights needs at least two weights files, got {paths.Length}.");
            if (!path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
                throw new UsageException($"--output {path}: the weights must be a .safetensors file.");
            using var outputs = new OutputSet();
            foreach (string input in paths) outputs.Read(input);
            string staged = outputs.File(path, "--output");
            WeightsAveraging.Average(paths, staged);
            outputs.Commit();
            Console.WriteLine($"wrote {path}: the mean of {paths.Length} weights files");
            return ExitCodes.Success;
        }, CommandContext.Cancellation));
        return command;
    }
}
