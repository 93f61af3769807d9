using System.CommandLine;
using System.Globalization;
using NativeSeg.Cli.Outputs;
using NativeSeg.Model.Weights;

namespace NativeSeg.Cli.Commands;

/// <summary>
/// `nativeseg set-threshold WEIGHTS T -o OUT`: the same network with T as its decision threshold, the lung probability
/// from which `segment`, `reproduce`, batches and the PACS worker call a voxel lung unless told otherwise.
/// </summary>
public static class SetThresholdCommand
{
    public static Command Create()
    {
        var weights = new Argument<string>("weights") { Description = "Weights file or checkpoint (.safetensors)." };
        var threshold = new Argument<float>("threshold") { Description = "Lung probability at or above which a voxel is lung, strictly between 0 and 1." };
        var output = new Option<string>("--output", "-o") { Description = "Weights file (.safetensors) to write.", Required = true };
        var command = new Command("set-threshold", "Write a weights file with its decision threshold set (the tensors unchanged): the lung probability its segmentations cut at by default.")
        {
            weights, threshold, output,
        };
        command.SetAction(result => CommandRunner.Run(_ =>
        {
            string weightsPath = result.GetValue(weights)!, path = result.GetValue(output)!;
            float cut = result.GetValue(threshold);
            if (WeightsMetadata.ThresholdProblem(cut) is string problem)
                throw new UsageException($"threshold {problem}.");
            if (!path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
                throw new UsageException($"--output {path}: the weights must be a .safetensors file.");
            using var outputs = new OutputSet().Read(weightsPath);
            string staged = outputs.File(path, "--output");
            WeightsThreshold.Set(weightsPath, cut, staged);
            outputs.Commit();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {path}: decision threshold {cut:R}"));
            return ExitCodes.Success;
        }, CommandContext.Cancellation));
        return command;
    }
}
