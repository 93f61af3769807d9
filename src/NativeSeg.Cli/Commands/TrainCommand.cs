using System.CommandLine;
using System.Globalization;
using NativeSeg.Cli.Devices;
using NativeSeg.Cli.Outputs;
using NativeSeg.Engine;
using NativeSeg.Imaging.Preprocessing;
using NativeSeg.Model.Network;
using NativeSeg.Model.Training;

namespace NativeSeg.Cli.Commands;

/// <summary>`nativeseg train MANIFEST -o FOLDER`: trains HighResNet2D with Dice-NS and Adam (the paper's defaults).</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var manifest = new Argument<string>("manifest") { Description = "Dataset manifest (JSON) of CT + lung mask cases with patient ids; split 'test' cases are left out." };
        var output = new Option<string>("--output", "-o") { Description = "Folder for checkpoint.safetensors, best.safetensors, training-log.csv, training-plot.svg.", Required = true };
        var device = new Option<string>("--device", "-d") { Description = "auto, cpu, cuda, reference, ilgpu-cpu.", DefaultValueFactory = _ => "auto" };
        var epochs = new Option<int>("--epochs") { Description = "Epochs in total (a resumed run counts the epochs already done).", DefaultValueFactory = _ => 50 };
        var batchSize = new Option<int>("--batch-size", "-b") { Description = "Slices per step (the paper: 17).", DefaultValueFactory = _ => 17 };
        var learningRate = new Option<float>("--lr") { Description = "Adam learning rate (the paper: 0.02).", DefaultValueFactory = _ => 0.02f };
        var schedule = new Option<string>("--lr-schedule") { Description = "constant (the paper), cosine or cosine:FLOOR (decay to FLOOR × --lr, default 0.05, over the run).", DefaultValueFactory = _ => "constant" };
        var warmup = new Option<int>("--warmup-steps") { Description = "Linear warm-up steps before the cosine decay.", DefaultValueFactory = _ => 0 };
        var oversample = new Option<int>("--oversample-pleural") { Description = "Show slices whose lung meets the chest wall with dense tissue up to N times per epoch (1: every slice once).", DefaultValueFactory = _ => 1 };
        var lungFree = new Option<int>("--lung-free-slices") { Description = "Also train on up to N slices without lung per case (neck, upper abdomen), spread evenly over them, labelled all background (0: only the lung's extent, as the paper). Give it again on --resume.", DefaultValueFactory = _ => 0 };
        var uncertainEdges = new Option<int>("--uncertain-dense-edges") { Description = "Label the lung's edge as uncertain (½ lung, ½ background) within R pixels where the lung beside it is dense (consolidation against the chest wall: no edge in the image); 0: hard labels. Give it again on --resume.", DefaultValueFactory = _ => 0 };
        var denseWeight = new Option<float>("--dense-lung-weight") { Description = "Weight of dense lung (denser than -300 HU, inside the lung's edge: consolidation) in the Dice-NS sums, each such pixel counting as W pixels (1: the paper's loss).", DefaultValueFactory = _ => 1 };
        var denseOutside = new Option<int>("--dense-lung-weight-outside") { Description = "Also give the --dense-lung-weight to non-lung pixels within R pixels of dense lung at the lung's edge (the chest wall and mediastinum against consolidation, its own edge pixel excepted), so the boundary there is pulled back as hard as the consolidation pulls it out (0: the lung side only). Give it again on --resume.", DefaultValueFactory = _ => 0 };
        var crossEntropy = new Option<float>("--cross-entropy-weight") { Description = "Add λ × the mean per-pixel cross-entropy to Dice-NS (0: the paper's loss). Dice-NS's gradient vanishes where the network is confidently wrong; the cross-entropy's does not. The log's loss column includes it. Give it again on --resume.", DefaultValueFactory = _ => 0 };
        var decay = new Option<double>("--decay") { Description = "L2 decay (the paper: 1e-4).", DefaultValueFactory = _ => 1e-4 };
        var l2 = new Option<string>("--l2") { Description = "mean (NiftyNet's code) or sum (its documentation) over the regularised tensors.", DefaultValueFactory = _ => "mean" };
        var validation = new Option<double>("--validation-fraction") { Description = "Share of patients held out for validation (at least one).", DefaultValueFactory = _ => 0.05 };
        var seed = new Option<ulong>("--seed") { Description = "Seed for weights, split, shuffling, augmentation and windows.", DefaultValueFactory = _ => 1 };
        var window = new Option<string?>("--window") { Description = "Train on random HxW windows of each slice (e.g. 128x128), as NiftyNet's sampler; default whole slices." };
        var noAugmentation = new Option<bool>("--no-augmentation") { Description = "No rotation, scaling or intensity jitter (whatever --augment-gain and --augment-shift say)." };
        var gain = new Option<double>("--augment-gain") { Description = "Intensity jitter: scale each training slice's intensities by 1 ± up to this fraction (at soft tissue 0.05 is ±50 HU; 0: off).", DefaultValueFactory = _ => SliceAugmentation.Default.MaxIntensityGain };
        var shift = new Option<double>("--augment-shift") { Description = "Intensity jitter: shift each training slice by up to ± this many HU (0: off).", DefaultValueFactory = _ => SliceAugmentation.Default.MaxIntensityShift * 1000 };
        var noise = new Option<double>("--augment-noise") { Description = "Scanner variation: add white noise of SD up to this many HU to each training slice (e.g. 25; 0: off).", DefaultValueFactory = _ => 0 };
        var blur = new Option<double>("--augment-blur") { Description = "Scanner variation: blur each training slice by a Gaussian of σ up to this many network pixels (a smoother kernel or thicker slices, e.g. 1; 0: off).", DefaultValueFactory = _ => 0 };
        var fovCut = new Option<double>("--augment-fov-cut") { Description = $"Field-of-view cut: in half the training slices cut up to this fraction off each side and stretch the rest back, as a field of view smaller than the patient reaches the network (e.g. 0.15; 0: off; at most {FieldOfViewCut.CutLimit}).", DefaultValueFactory = _ => 0 };
        var patience = new Option<int?>("--early-stopping") { Description = "Stop after this many epochs without a better validation Dice." };
        var maxSteps = new Option<long?>("--max-steps") { Description = "Stop (with a checkpoint) after this many steps in this run; resume later." };
        var initWeights = new Option<string?>("--init-weights") { Description = "Fine-tune: start from these weights (.safetensors, or a checkpoint) instead of random ones; fresh Adam moments unless --keep-adam-moments." };
        var keepMoments = new Option<bool>("--keep-adam-moments") { Description = "With --init-weights CHECKPOINT: keep the checkpoint's Adam moments and step count, so training goes on as that run would, on this manifest's data (zero moments make Adam's first steps about lr for every weight)." };
        var validationPatients = new Option<string[]>("--validation-patients") { Description = "Hold out exactly these patients for validation (instead of --validation-fraction).", AllowMultipleArgumentsPerToken = true };
        var resume = new Option<bool>("--resume") { Description = "Continue from <output>/checkpoint.safetensors." };
        var holdStatistics = new Option<bool>("--hold-bn-statistics") { Description = "Fine-tune with the batch norms' running statistics (held, not updated) instead of each batch's: the network trains as it is used. Needs --init-weights (or a run started with it)." };
        var sliceContext = new Option<double>("--slice-context") { Description = "Also show the network the CT this many mm below and above each slice (3 input channels; 0: the paper's single slice). With --init-weights of a single-slice network, its first convolution is widened with zero weights. Give it again on --resume.", DefaultValueFactory = _ => 0 };
        var keepEpochs = new Option<bool>("--keep-epoch-weights") { Description = "Also keep each epoch's weights as epochN.safetensors in the output folder (e.g. to average the last epochs with average-weights)." };
        var checkpointMinutes = new Option<double>("--checkpoint-minutes") { Description = "Also checkpoint mid-epoch at least this often (0: after every step), so a kill loses minutes, not an epoch.", DefaultValueFactory = _ => 5 };
        var command = new Command("train", "Train HighResNet2D on a dataset manifest (Dice-NS, Adam); Ctrl-C saves a checkpoint.")
        {
            manifest, output, device, epochs, batchSize, learningRate, decay, l2, validation, seed, window, noAugmentation, gain, shift, noise, blur, fovCut, patience, maxSteps,
            initWeights, keepMoments, validationPatients, resume, checkpointMinutes, schedule, warmup, oversample, holdStatistics, uncertainEdges,
            sliceContext, denseWeight, denseOutside, crossEntropy, keepEpochs, lungFree,
        };
        command.SetAction(result => CommandRunner.Run(cancel =>
        {
            var options = new TrainerOptions
            {
                OutputDirectory = result.GetValue(output)!,
                Epochs = result.GetValue(epochs),
                BatchSize = result.GetValue(batchSize),
                LearningRate = result.GetValue(learningRate),
                Schedule = ParseSchedule(result.GetValue(schedule)!, result.GetValue(warmup)),
                PleuralOversampling = OversamplingCopies(result.GetValue(oversample)),
                Decay = result.GetValue(decay),
                L2Reduction = result.GetValue(l2) switch
                {
                    "mean" => L2Reduction.Mean,
                    "sum" => L2Reduction.Sum,
                    var other => throw new UsageException($"--l2 takes mean or sum, got '{other}'."),
                },
                ValidationFraction = result.GetValue(validation),
                ValidationPatients = result.GetValue(validationPatients) is { Length: > 0 } named ? named : null,
                Seed = result.GetValue(seed),
                Window = TrainCommandWindows.Parse(result.GetValue(window)),
                Augmentation = result.GetValue(noAugmentation) ? SliceAugmentation.None : AugmentationOf(result.GetValue(gain), result.GetValue(shift)),
                ScannerVariation = ScannerVariationOf(result.GetValue(noise), result.GetValue(blur)),
                FieldOfViewCut = new FieldOfViewCut(result.GetValue(fovCut)) is { IsWithinLimits: true } fieldOfViewCut
                    ? fieldOfViewCut : throw new UsageException($"--augment-fov-cut takes 0 to {FieldOfViewCut.CutLimit}, got {result.GetValue(fovCut)}."),
                EarlyStoppingPatience = result.GetValue(patience),
                MaxStepsThisRun = result.GetValue(maxSteps),
                CheckpointInterval = CheckpointInterval(result.GetValue(checkpointMinutes)),
                BatchNormStatistics = result.GetValue(holdStatistics) ? BatchNormStatistics.Running : BatchNormStatistics.Batch,
                DenseLungWeighting = DenseLungWeightingOf(result.GetValue(denseWeight), result.GetValue(denseOutside)),
                KeepEpochWeights = result.GetValue(keepEpochs),
                CrossEntropyWeight = result.GetValue(crossEntropy) is var λ and >= 0 and <= TrainerOptions.CrossEntropyWeightLimit
                    ? λ : throw new UsageException($"--cross-entropy-weight takes 0 to {TrainerOptions.CrossEntropyWeightLimit}, got {result.GetValue(crossEntropy)}."),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            string? init = result.GetValue(initWeights);
            if (init is not null && result.GetValue(resume))
                throw new UsageException("--init-weights starts a new run; --resume continues one: give one of them.");
            if (result.GetValue(keepMoments) && init is null)
                throw new UsageException("--keep-adam-moments takes the moments of the checkpoint given by --init-weights: give --init-weights.");
            if (options.BatchNormStatistics == BatchNormStatistics.Running && init is null && !result.GetValue(resume))
                throw new UsageException("--hold-bn-statistics fine-tunes trained weights: give --init-weights (a new network's running statistics are 0 and 1).");
            int edgeRadius = result.GetValue(uncertainEdges) is var r and >= 0 and <= 8
                ? r : throw new UsageException($"--uncertain-dense-edges takes 0 to 8 pixels, got {result.GetValue(uncertainEdges)}.");
            var context = new SliceContext(result.GetValue(sliceContext));
            if (context.Problem is string problem) throw new UsageException($"--slice-context: {problem}.");
            int lungFreeSlices = result.GetValue(lungFree) is var f and >= 0 and <= 1000
                ? f : throw new UsageException($"--lung-free-slices takes 0 to 1000 slices a case, got {result.GetValue(lungFree)}.");
            return Execute(result.GetValue(manifest)!, options, result.GetValue(device)!, result.GetValue(resume), init, result.GetValue(keepMoments), edgeRadius,
                context, lungFreeSlices, cancel);
        }, CommandContext.Cancellation));
        return command;
    }

    private static DenseLungWeighting DenseLungWeightingOf(float weight, int outsideReach)
    {
        if (weight is not (>= 1 and <= DenseLungWeighting.WeightLimit))
            throw new UsageException($"--dense-lung-weight takes 1 to {DenseLungWeighting.WeightLimit}, got {weight}.");
        if (outsideReach is < 0 or > DenseLungWeighting.OutsideReachLimit)
            throw new UsageException($"--dense-lung-weight-outside takes 0 to {DenseLungWeighting.OutsideReachLimit} pixels, got {outsideReach}.");
        if (outsideReach > 0 && weight == 1)
            throw new UsageException("--dense-lung-weight-outside gives the non-lung the dense-lung weight: give --dense-lung-weight above 1 too.");
        return new DenseLungWeighting(weight, outsideReach);
    }

    private static SliceAugmentation AugmentationOf(double gain, double shiftHu) =>
        SliceAugmentation.Default with { MaxIntensityGain = gain, MaxIntensityShift = shiftHu / 1000 } is { IntensityJitterIsWithinLimits: true } augmentation
            ? augmentation
            : throw new UsageException($"--augment-gain takes 0 to {SliceAugmentation.GainLimit} and --augment-shift 0 to {SliceAugmentation.ShiftLimitHu} HU, got {gain} and {shiftHu}.");

    private static ScannerVariation ScannerVariationOf(double noiseHu, double blurPixels) =>
        new ScannerVariation(noiseHu, blurPixels) is { IsWithinLimits: true } variation
            ? variation
            : throw new UsageException($"--augment-noise takes 0 to {ScannerVariation.NoiseLimitHu} HU and --augment-blur 0 to {ScannerVariation.BlurLimitPixels} pixels, got {noiseHu} and {blurPixels}.");

    private static int OversamplingCopies(int copies) => copies is >= 1 and <= 16
        ? copies : throw new UsageException($"--oversample-pleural takes 1 to 16 copies, got {copies}.");

    private static LearningRateSchedule ParseSchedule(string text, int warmupSteps)
    {
        if (warmupSteps < 0) throw new UsageException($"--warmup-steps must be 0 or more, got {warmupSteps}.");
        try
        {
            return LearningRateSchedule.Parse(text, warmupSteps);
        }
        catch (FormatException e)
        {
            throw new UsageException($"--lr-schedule: {e.Message}");
        }
    }

    private static TimeSpan CheckpointInterval(double minutes) =>
        minutes >= 0 && double.IsFinite(minutes)
            ? TimeSpan.FromMinutes(minutes)
            : throw new UsageException($"--checkpoint-minutes must be zero or more, got {minutes}.");

    private static int Execute(string manifestPath, TrainerOptions options, string device, bool resume, string? initWeights, bool keepAdamMoments, int uncertainEdgeRadius,
        SliceContext sliceContext, int lungFreeSlices, CancellationToken cancellation)
    {
        var c = CultureInfo.InvariantCulture;
        using var outputs = new OutputSet().Read(manifestPath);
        foreach (string path in ManifestFiles.Of(manifestPath)) outputs.Read(path);
        if (initWeights is not null) outputs.Read(initWeights);
        // Checkpoints are written in place over hours (a resume needs them there), so nothing is staged; the folder
        // is checked, and stale temporaries of a killed run removed, before any work.
        outputs.FolderInPlace(options.OutputDirectory, "--output", Trainer.CheckpointFileName, Trainer.BestWeightsFileName, Trainer.LogFileName, Trainer.PlotFileName);
        foreach (string stale in outputs.RemovedStale) Console.WriteLine($"removed {stale} (left by a killed run)");
        using var backend = Backends.Create(AutoDevice.Resolve(device, quiet: false));
        Console.WriteLine($"device: {backend.Description}");
        var data = TrainingData.Load(manifestPath, log: message => Console.WriteLine($"  {message}"), uncertainEdgeRadius: uncertainEdgeRadius,
            sliceContext: sliceContext, lungFreeSlicesPerCase: lungFreeSlices);
        Console.WriteLine(string.Create(c, $"training set: {data.Slices.Count} slices of {data.Width}×{data.Height} from {data.Patients.Count} patients"));
        PatientSplit split;
        try
        {
            split = PatientSplit.Create(data, options);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        Console.WriteLine(options.ValidationPatients is null
            ? $"validation patients (held out, seed {options.Seed}): {string.Join(", ", split.ValidationPatients)}"
            : $"validation patients (held out, named): {string.Join(", ", split.ValidationPatients)}");
        if (options.PleuralOversampling > 1)
        {
            int pool = PleuralDensityOversampling.EpochPool(data, split.TrainingSlices, options.PleuralOversampling).Length;
            Console.WriteLine(string.Create(c, $"pleural oversampling ×{options.PleuralOversampling}: {pool} slices per epoch from {split.TrainingSlices.Count} training slices"));
        }
        Console.WriteLine($"learning rate {options.LearningRate.ToString(c)}, {options.Schedule}");
        if (options.ScannerVariation.IsEnabled) Console.WriteLine(options.ScannerVariation.Describe());
        if (options.FieldOfViewCut.IsEnabled) Console.WriteLine(options.FieldOfViewCut.Describe());
        if (options.DenseLungWeighting.IsEnabled) Console.WriteLine($"Dice-NS with {options.DenseLungWeighting} (lung denser than -300 HU inside its edge)");
        if (options.CrossEntropyWeight > 0) Console.WriteLine($"Loss: Dice-NS + {options.CrossEntropyWeight.ToString(System.Globalization.CultureInfo.InvariantCulture)} × cross-entropy");
        var trainer = new Trainer(backend, options);
        var lastPrint = DateTime.MinValue;
        void Report(TrainingProgress p)
        {
            if (p.Phase == TrainingPhase.EpochEnd)
            {
                Console.WriteLine(string.Create(c,
                    $"epoch {p.Epoch}/{p.Epochs}: mean loss {p.Loss:F4}, validation Dice {p.ValidationDice:F4}, {p.SlicesPerSecond:F2} slices/s, about {p.EstimatedRemaining.TotalMinutes:F0} min left"));
                return;
            }
            if ((DateTime.UtcNow - lastPrint).TotalSeconds < 10 && p.Step != p.StepsPerEpoch) return;
            lastPrint = DateTime.UtcNow;
            Console.WriteLine(string.Create(c,
                $"  epoch {p.Epoch} step {p.Step}/{p.StepsPerEpoch} (global {p.GlobalStep}): loss {p.Loss:F4}, {p.SlicesPerSecond:F2} slices/s"));
        }
        string checkpoint = Path.Combine(options.OutputDirectory, Trainer.CheckpointFileName);
        if (resume && !File.Exists(checkpoint))
            throw new IO.InvalidInputException(checkpoint, "--resume was given but there is no checkpoint to continue from.");
        var outcome = resume ? trainer.Resume(checkpoint, data, Report, cancellation)
            : initWeights is not null ? trainer.FineTune(initWeights, data, Report, cancellation, keepAdamMoments)
            : trainer.Train(data, Report, cancellation);
        // Best weights exist only once an epoch has ended with a validation score (BestEpoch 0 = none yet).
        bool hasBest = outcome.BestEpoch > 0;
        string best = hasBest ? string.Create(c, $"best validation Dice {outcome.BestValidationDice:F4} (epoch {outcome.BestEpoch})") : "no epoch finished yet";
        Console.WriteLine(string.Create(c, $"{outcome.Outcome}: {outcome.EpochsCompleted} epochs, {outcome.GlobalStep} steps, {best}"));
        Console.WriteLine($"checkpoint: {outcome.CheckpointPath}");
        Console.WriteLine(hasBest ? $"best weights: {outcome.BestWeightsPath}" : "best weights: none yet (written at the end of the first epoch)");
        Console.WriteLine($"log: {outcome.LogPath}, plot: {outcome.PlotPath}");
        return outcome.Outcome == TrainingOutcome.Interrupted && cancellation.IsCancellationRequested ? ExitCodes.Cancelled : ExitCodes.Success;
    }
}

/// <summary>Parses the HxW window option shared by train and reproduce.</summary>
public static class TrainCommandWindows
{
    public static (int, int)? Parse(string? text)
    {
        if (text is null) return null;
        var parts = text.ToLowerInvariant().Split('x', '×');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int h)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int w))
            return (h, w);
        throw new UsageException($"--window takes HxW like 128x128, got '{text}'.");
    }
}
