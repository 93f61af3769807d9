using System.CommandLine;
using System.Globalization;
using NativeSeg.Cli.Devices;
using NativeSeg.Cli.Outputs;
using NativeSeg.Engine;
using NativeSeg.Evaluation.Report;
using NativeSeg.IO;
using NativeSeg.IO.Datasets;
using NativeSeg.IO.Nifti;
using NativeSeg.Model.Inference;
using NativeSeg.Model.Pipeline;
using NativeSeg.Model.Training;

namespace NativeSeg.Cli.Commands;

/// <summary>
/// `nativeseg reproduce MANIFEST -o FOLDER`: the paper's study end to end. Trains on the manifest's cases that are
/// not split "test" (unless --weights is given), segments every "test" case (normal and COVID-19 groups), evaluates
/// them against their reference masks, and writes the report.
/// FOLDER/training/ (checkpoints, log, plot), FOLDER/predictions/ (masks, probability maps, predictions.json),
/// FOLDER/report/ (Table 1, ROC, statistics, figures).
/// </summary>
public static class ReproduceCommand
{
    public static Command Create()
    {
        var manifest = new Argument<string>("manifest") { Description = "Dataset manifest: training cases plus cases with split \"test\" in groups normal and covid." };
        var output = new Option<string>("--output", "-o") { Description = "Study folder (created).", Required = true };
        var weights = new Option<string?>("--weights", "-w") { Description = "Use these weights instead of training." };
        var device = new Option<string>("--device", "-d") { Description = "auto, cpu, cuda, reference, ilgpu-cpu.", DefaultValueFactory = _ => "auto" };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => 50 };
        var batchSize = new Option<int>("--batch-size", "-b") { Description = "Training batch (the paper: 17).", DefaultValueFactory = _ => 17 };
        var learningRate = new Option<float>("--lr") { Description = "Adam learning rate (the paper: 0.02).", DefaultValueFactory = _ => 0.02f };
        var window = new Option<string?>("--window") { Description = "Train on random HxW windows (e.g. 128x128)." };
        var seed = new Option<ulong>("--seed") { Description = "Training seed.", DefaultValueFactory = _ => 1 };
        var command = new Command("reproduce", "Run the paper's study: train, segment the normal and COVID-19 test groups, evaluate, report.")
        {
            manifest, output, weights, device, epochs, batchSize, learningRate, window, seed,
        };
        command.SetAction(result => CommandRunner.Run(cancel => Execute(result.GetValue(manifest)!, result.GetValue(output)!,
            result.GetValue(weights), result.GetValue(device)!, result.GetValue(epochs), result.GetValue(batchSize),
            result.GetValue(learningRate), result.GetValue(window), result.GetValue(seed), cancel), CommandContext.Cancellation));
        return command;
    }

    private static int Execute(string manifestPath, string folder, string? weightsPath, string device, int epochs, int batchSize,
        float learningRate, string? window, ulong seed, CancellationToken cancellation)
    {
        var c = CultureInfo.InvariantCulture;
        // Absolute from here on: the predictions manifest records where the masks are, and it is read back from its
        // own folder, against which a relative output folder would be resolved a second time.
        folder = Path.GetFullPath(folder);
        var manifest = DatasetManifest.Load(manifestPath);
        var testCases = manifest.Cases.Where(k => k.Split == "test").ToList();
        if (testCases.Count == 0)
            throw new InvalidInputException(manifestPath, "no case has split \"test\": mark the cases to segment and evaluate.");
        if (testCases.FirstOrDefault(k => k.Mask is null) is { } unmasked)
            throw new InvalidInputException(manifestPath, $"test case '{unmasked.Id}' has no reference mask.");
        using var outputs = new OutputSet().Read(manifestPath).Read(weightsPath);
        foreach (string path in ManifestFiles.Of(manifest)) outputs.Read(path);
        // The study folder fills over hours (training checkpoints must stay resumable), so it is written in place;
        // every file it will hold is checked against the inputs first.
        string[] written =
        [
            Path.Combine("training", Trainer.CheckpointFileName), Path.Combine("training", Trainer.BestWeightsFileName),
            Path.Combine("training", Trainer.LogFileName), Path.Combine("training", Trainer.PlotFileName),
            Path.Combine("predictions", "predictions.json"),
            .. testCases.SelectMany(k => new[] { Path.Combine("predictions", k.Id + "_mask.nii.gz"), Path.Combine("predictions", k.Id + "_probabilities.nii.gz") }),
        ];
        outputs.FolderInPlace(folder, "--output", written);
        using var backend = Backends.Create(AutoDevice.Resolve(device, quiet: false));
        Console.WriteLine($"device: {backend.Description}");

        if (weightsPath is null)
        {
            Console.WriteLine("1/3 training");
            var options = new TrainerOptions
            {
                OutputDirectory = Path.Combine(folder, "training"),
                Epochs = epochs,
                BatchSize = batchSize,
                LearningRate = learningRate,
                Seed = seed,
                Window = TrainCommandWindows.Parse(window),
            };
            options.Validate();
            var data = TrainingData.Load(manifest);
            var trained = new Trainer(backend, options).Train(data, p =>
            {
                if (p.Phase == TrainingPhase.EpochEnd)
                    Console.WriteLine(string.Create(c, $"  epoch {p.Epoch}/{p.Epochs}: loss {p.Loss:F4}, validation Dice {p.ValidationDice:F4}"));
            }, cancellation);
            if (trained.Outcome == TrainingOutcome.Interrupted)
                throw new OperationCanceledException();
            weightsPath = trained.BestWeightsPath;
        }

        Console.WriteLine($"2/3 segmenting {testCases.Count} test cases with {weightsPath}");
        var predictionsFolder = Path.Combine(folder, "predictions");
        Directory.CreateDirectory(predictionsFolder);
        var predictions = new DatasetManifest { Name = manifest.Name + " (predictions)", Description = $"Test cases of {manifestPath} segmented with {weightsPath}." };
        using (var segmenter = Segmenter.Load(weightsPath, backend))
        {
            var pipeline = new LungSegmentationPipeline(segmenter);
            foreach (var testCase in testCases)
            {
                cancellation.ThrowIfCancellationRequested();
                string ctPath = manifest.Resolve(testCase.Ct);
                var ct = CtReader.Read(ctPath);
                var result = pipeline.Run(ct, ctPath, new SegmentationOptions { RefuseEmptyMask = false }, cancellation: cancellation);
                string maskPath = Path.Combine(predictionsFolder, testCase.Id + "_mask.nii.gz");
                string probabilityPath = Path.Combine(predictionsFolder, testCase.Id + "_probabilities.nii.gz");
                NiftiWriter.Write(maskPath, result.Mask);
                NiftiWriter.Write(probabilityPath, result.Probabilities ?? throw new InvalidOperationException("the study keeps the probability maps (ROC)."));
                Console.WriteLine(string.Create(c, $"  {testCase.Id} ({testCase.Group}): {result.Summary.TotalVolumeMl:F0} mL in {result.Summary.Seconds:F1} s"));
                predictions.Cases.Add(new DatasetCase
                {
                    Id = testCase.Id, Patient = testCase.Patient, Group = testCase.Group, Split = "test",
                    Ct = ctPath, Mask = manifest.Resolve(testCase.Mask!), Lesions = testCase.Lesions is null ? null : manifest.Resolve(testCase.Lesions),
                    Prediction = maskPath, Probabilities = probabilityPath,
                });
            }
        }
        predictions.Save(Path.Combine(predictionsFolder, "predictions.json"));

        Console.WriteLine("3/3 evaluating");
        var summary = EvaluationReport.Run(predictions, Path.Combine(folder, "report"));
        foreach (var group in summary.Groups)
        {
            var dice = group.Metrics["dice"].Descriptive;
            // One case has no spread to report (its sample standard deviation is undefined).
            string spread = group.Cases.Count > 1 ? string.Create(c, $" ± {dice.StandardDeviation:F4}") : "";
            Console.WriteLine(string.Create(c, $"  {group.Name,-8} {group.Cases.Count,3} cases: Dice {dice.Mean:F4}{spread}, pooled AUC {group.PooledAuc:F4}"));
        }
        Console.WriteLine($"report: {Path.Combine(folder, "report", "report.html")}");
        return ExitCodes.Success;
    }
}
