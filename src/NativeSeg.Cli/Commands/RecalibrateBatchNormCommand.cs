using System.CommandLine;
using System.Globalization;
using NativeSeg.Cli.Devices;
using NativeSeg.Cli.Outputs;
using NativeSeg.Engine;
using NativeSeg.IO;
using NativeSeg.IO.Datasets;
using NativeSeg.Model.Training;
using NativeSeg.Model.Weights;

namespace NativeSeg.Cli.Commands;

/// <summary>
/// `nativeseg recalibrate-bn WEIGHTS MANIFEST -o OUT`: the batch norms' running statistics measured again over the
/// manifest's training slices (whole slices, every case that is not split "test"), the weights unchanged
/// (<see cref="BatchNormRecalibration"/>).
/// </summary>
public static class RecalibrateBatchNormCommand
{
    public static Command Create()
    {
        var weights = new Argument<string>("weights") { Description = "Weights file or checkpoint (.safetensors), e.g. the output of average-weights." };
        var manifest = new Argument<string>("manifest") { Description = "Dataset manifest: its cases with a mask that are not split \"test\" give the slices (the training set)." };
        var output = new Option<string>("--output", "-o") { Description = "Weights file (.safetensors) to write.", Required = true };
        var batchSize = new Option<int>("--batch-size", "-b") { Description = "Slices per training-mode forward pass (at least 2).", DefaultValueFactory = _ => 8 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the order in which slices are batched.", DefaultValueFactory = _ => 1 };
        var window = new Option<string?>("--window") { Description = "Take the statistics over random HxW training windows (with the training augmentation) instead of whole slices: for a network trained with --window." };
        var device = new Option<string>("--device", "-d") { Description = "auto, cpu, cuda, reference, ilgpu-cpu.", DefaultValueFactory = _ => "auto" };
        var command = new Command("recalibrate-bn", "Measure the batch norms' running statistics again over a training set's whole slices (precise BN; after average-weights).")
        {
            weights, manifest, output, batchSize, seed, window, device,
        };
        command.SetAction(result => CommandRunner.Run(cancel =>
        {
            string weightsPath = result.GetValue(weights)!, manifestPath = result.GetValue(manifest)!, path = result.GetValue(output)!;
            int batch = result.GetValue(batchSize);
            if (batch < 2)
                throw new UsageException($"--batch-size {batch}: batch statistics need at least 2 slices.");
            if (!path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
                throw new UsageException($"--output {path}: the weights must be a .safetensors file.");
            using var outputs = new OutputSet().Read(weightsPath).Read(manifestPath);
            var loaded = DatasetManifest.Load(manifestPath);
            foreach (string file in ManifestFiles.Of(loaded)) outputs.Read(file);
            string staged = outputs.File(path, "--output");
            var data = TrainingData.Load(loaded, sliceContext: WeightsFile.Load(weightsPath).Metadata.SliceContext);
            if (data.Slices.Count < batch)
                throw new InvalidInputException(manifestPath, $"{data.Slices.Count} training slices with lung do not fill one batch of {batch}.");
            var windowSize = TrainCommandWindows.Parse(result.GetValue(window));
            if (windowSize is (int wh, int ww) && (wh < 8 || ww < 8 || wh % 8 != 0 || ww % 8 != 0 || wh > data.Height || ww > data.Width))
                throw new UsageException($"--window {wh}x{ww}: windows are multiples of 8 within the {data.Height}×{data.Width} slices.");
            using var backend = Backends.Create(AutoDevice.Resolve(result.GetValue(device)!, quiet: false));
            Console.WriteLine($"device: {backend.Description}; {data.Slices.Count} training slices of {manifestPath}");
            var summary = WeightsRecalibration.Recalibrate(weightsPath, data, Path.GetFileName(manifestPath), backend, batch, result.GetValue(seed), windowSize, staged,
                cancellation: cancel);
            outputs.Commit();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {path}: statistics over {summary.Slices} slices in {summary.Batches} batches; largest running-mean shift {summary.LargestMeanShift:F2} standard deviations"));
            return ExitCodes.Success;
        }, CommandContext.Cancellation));
        return command;
    }
}
