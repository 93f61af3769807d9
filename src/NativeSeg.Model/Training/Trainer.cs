using System.Diagnostics;
using System.Globalization;
using NativeSeg.Engine;
using NativeSeg.Engine.Tensors;
using NativeSeg.IO;
using NativeSeg.Model.Network;
using NativeSeg.Model.Randomness;
using NativeSeg.Model.Weights;

namespace NativeSeg.Model.Training;

/// <summary>
/// Trains HighResNet2D with Dice-NS and Adam on one backend. Each epoch shuffles the training patients' slices
/// (seeded), runs floor(slices / batch) steps of one batch shape (the remainder of an epoch is left out, so the
/// workspace never changes shape), validates on the held-out patients in inference mode, and writes atomically
/// <c>checkpoint.safetensors</c> (resumable), <c>best.safetensors</c> (best validation Dice), <c>training-log.csv</c>
/// and <c>training-plot.svg</c>. Cancellation stops between steps and writes a checkpoint; <see cref="Resume"/>
/// continues to the same weights bit for bit. A NaN or infinite loss or gradient stops with
/// <see cref="TrainingDivergedException"/> before the optimiser touches the weights, leaving the last checkpoint.
/// </summary>
public sealed class Trainer(IBackend backend, TrainerOptions options)
{
    public const string CheckpointFileName = "checkpoint.safetensors";
    public const string BestWeightsFileName = "best.safetensors";
    public const string LogFileName = "training-log.csv";
    public const string PlotFileName = "training-plot.svg";

    public IBackend Backend { get; } = backend ?? throw new ArgumentNullException(nameof(backend));

    public TrainerOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    public string CheckpointPath => Path.Combine(Options.OutputDirectory, CheckpointFileName);
    public string BestWeightsPath => Path.Combine(Options.OutputDirectory, BestWeightsFileName);

    /// <summary>Where <see cref="TrainerOptions.KeepEpochWeights"/> keeps the weights after epoch <paramref name="epoch"/> (1-based).</summary>
    public string EpochWeightsPath(int epoch) => Path.Combine(Options.OutputDirectory, $"epoch{epoch.ToString(CultureInfo.InvariantCulture)}.safetensors");
    public string LogPath => Path.Combine(Options.OutputDirectory, LogFileName);
    public string PlotPath => Path.Combine(Options.OutputDirectory, PlotFileName);

    /// <summary>What best.safetensors and epochN.safetensors record beside the weights.</summary>
    private static Dictionary<string, string> EpochMetadata(int epoch, double validationDice) => new()
    {
        [Checkpoint.EpochKey] = epoch.ToString(CultureInfo.InvariantCulture),
        [Checkpoint.ValidationDiceKey] = validationDice.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>A fresh run: He-normal weights from the seed, zero Adam moments.</summary>
    public TrainingResult Train(TrainingSet data, Action<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        Options.Validate();
        ArgumentNullException.ThrowIfNull(data);
        using var network = HighResNet2D.CreateInitialised(Backend, new HighResNetConfiguration(data.InputChannels, data.Classes), Options.Seed);
        var state = new TrainingState { Seed = Options.Seed, BatchSize = Options.BatchSize, ValidationFraction = Options.ValidationFraction, Recipe = Options.Recipe };
        return Run(data, network, state, adamStep: 0, moments: null, progress, cancellation);
    }

    /// <summary>
    /// A fresh run that starts from trained weights (fine-tuning): the network from <paramref name="weightsPath"/>,
    /// epoch 0. Everything else (split, shuffling, augmentation) is seeded as in <see cref="Train"/>, and a checkpoint
    /// of this run resumes like any other.
    /// </summary>
    /// <param name="keepAdamMoments">
    /// False: zero Adam moments. True: <paramref name="weightsPath"/> must be a checkpoint, and its Adam moments and
    /// step count carry on, so training continues as that run would have, on other data. Why it matters: with zero
    /// moments Adam's first steps are about lr·sign(g) for every weight, a jolt that a converged network's moments
    /// (whose second moment holds the gradients' whole variance) would have damped to a fraction of that.
    /// </param>
    public TrainingResult FineTune(string weightsPath, TrainingSet data, Action<TrainingProgress>? progress = null, CancellationToken cancellation = default,
        bool keepAdamMoments = false)
    {
        Options.Validate();
        ArgumentNullException.ThrowIfNull(weightsPath);
        ArgumentNullException.ThrowIfNull(data);
        var (file, adamStep) = keepAdamMoments ? CheckpointWithMoments(weightsPath) : (WeightsFile.Load(weightsPath), 0);
        IReadOnlyDictionary<string, float[]> tensors = file.NetworkTensors, moments = file.ExtraTensors;
        var configuration = file.Configuration;
        // A single-slice network can start one that also sees the neighbours (the new input channels weighted 0).
        if (data.SliceContext.IsEnabled && !file.Metadata.SliceContext.IsEnabled && configuration.InputChannels == 1)
        {
            var widened = configuration with { InputChannels = data.InputChannels };
            tensors = InputWidening.Widen(tensors, configuration, widened, weightsPath);
            moments = InputWidening.Widen(moments, configuration, widened, weightsPath);
            configuration = widened;
        }
        else if (file.Metadata.SliceContext != data.SliceContext)
            throw new InvalidInputException(weightsPath, $"the weights' input is {file.Metadata.SliceContext}, the data's {data.SliceContext}.");
        if (configuration != new HighResNetConfiguration(data.InputChannels, data.Classes))
            throw new InvalidInputException(weightsPath, $"the weights' network takes {configuration.InputChannels} channel(s) and {configuration.Classes} classes, the data {data.InputChannels} and {data.Classes}.");
        using var network = new HighResNet2D(Backend, configuration);
        network.ImportTensors(tensors);
        var state = new TrainingState { Seed = Options.Seed, BatchSize = Options.BatchSize, ValidationFraction = Options.ValidationFraction, Recipe = Options.Recipe };
        return Run(data, network, state, adamStep, keepAdamMoments ? moments : null, progress, cancellation, weightsPath);
    }

    private static (WeightsFile File, int AdamStep) CheckpointWithMoments(string path)
    {
        var (file, _, adamStep) = Checkpoint.Load(path);
        return (file, adamStep);
    }

    private const string TrainOnOtherData = "To train these weights on other data, start a new run with --init-weights CHECKPOINT --keep-adam-moments.";

    /// <summary>Continues the run saved in a checkpoint (written by <see cref="Train"/> or an earlier resume) on the same data.</summary>
    public TrainingResult Resume(string checkpointPath, TrainingSet data, Action<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        Options.Validate();
        ArgumentNullException.ThrowIfNull(data);
        var (file, state, adamStep) = Checkpoint.Load(checkpointPath);
        if (file.Metadata.SliceContext != data.SliceContext)
            throw new InvalidInputException(checkpointPath, $"the checkpoint's input is {file.Metadata.SliceContext}, the data's {data.SliceContext}: a resume must keep it.");
        if (file.Configuration != new HighResNetConfiguration(data.InputChannels, data.Classes))
            throw new InvalidInputException(checkpointPath, $"the checkpoint's network takes {file.Configuration.InputChannels} channel(s) and {file.Configuration.Classes} classes, the data {data.InputChannels} and {data.Classes}.");
        if (state.Seed != Options.Seed || state.BatchSize != Options.BatchSize || state.ValidationFraction != Options.ValidationFraction)
            throw new InvalidInputException(checkpointPath, $"the checkpoint was made with seed {state.Seed}, batch {state.BatchSize}, validation fraction {state.ValidationFraction}; a resume must keep them.");
        string checkpointRecipe = state.Recipe.Length == 0 ? TrainerOptions.PaperRecipe : state.Recipe;
        if (checkpointRecipe != Options.Recipe)
            throw new InvalidInputException(checkpointPath, $"the checkpoint was made with {checkpointRecipe}, this run asks for {Options.Recipe}; a resume must keep them.");
        // The epoch-order check in Run catches other data only mid-epoch; at an epoch boundary the description is the guard
        // (older checkpoints without one keep resuming as before).
        if (file.Metadata.TrainingData.Length != 0 && file.Metadata.TrainingData != data.Description)
            throw new InvalidInputException(checkpointPath,
                $"the checkpoint was trained on \"{file.Metadata.TrainingData}\", this data set is \"{data.Description}\": " +
                "--resume needs the data it was started on. " + TrainOnOtherData);
        using var network = new HighResNet2D(Backend, file.Configuration);
        network.ImportTensors(file.NetworkTensors);
        return Run(data, network, state, adamStep, file.ExtraTensors, progress, cancellation, checkpointPath);
    }

    private TrainingResult Run(TrainingSet data, HighResNet2D network, TrainingState state, int adamStep,
        IReadOnlyDictionary<string, float[]>? moments, Action<TrainingProgress>? progress, CancellationToken cancellation,
        string? sourcePath = null)
    {
        Directory.CreateDirectory(Options.OutputDirectory);
        network.TrainingStatistics = Options.BatchNormStatistics;
        var objective = new TrainingObjective(network, Options.Decay, Options.L2Reduction, Options.DenseLungWeighting.IsEnabled, Options.CrossEntropyWeight);
        using var optimizer = new AdamOptimizer(network, new AdamSettings(Options.LearningRate), objective.L2Coefficient);
        if (moments is not null)
            optimizer.ImportMoments(moments, adamStep, sourcePath ?? CheckpointPath);
        var metadata = Metadata(data);

        var split = PatientSplit.Create(data, Options);
        var epochPool = PleuralDensityOversampling.EpochPool(data, split.TrainingSlices, Options.PleuralOversampling);
        if (state.EpochOrder.Length != 0 && !SameSlices(state.EpochOrder, epochPool))
            throw new InvalidInputException(sourcePath ?? CheckpointPath,
                $"the checkpoint's current epoch was drawn from {state.EpochOrder.Length} slices, this data set gives {epochPool.Length}: " +
                "--resume needs the data it was started on. " + TrainOnOtherData);
        int batch = Math.Min(Options.BatchSize, epochPool.Length);
        var sampler = new TrainingBatchSampler(Backend, data, Options, batch);
        var workspace = network.GetWorkspace(batch, sampler.WindowHeight, sampler.WindowWidth);
        var trainingStep = new TrainingStep(network, objective, optimizer, CheckpointPath);
        var validation = Options.Window is null
            ? new ValidationBuffers(workspace, sampler.BatchInput)
            : new ValidationBuffers(network.GetWorkspace(batch, data.Height, data.Width), new float[batch * data.InputChannels * data.Height * data.Width]);
        var random = state.RandomState.Length == 0 ? SeededRandom.ForStream(Options.Seed, RandomStreams.Training) : SeededRandom.RestoreState(state.RandomState);
        var run = new RunProgress(network, optimizer, metadata, state, batch, epochPool.Length / batch, progress);

        for (int epoch = state.Epoch; epoch < Options.Epochs; epoch++)
        {
            if (state.EpochOrder.Length == 0)
            {
                var order = (int[])epochPool.Clone();
                random.Shuffle(order);
                state.EpochOrder = order;
                state.StepInEpoch = 0;
                state.RandomState = random.SaveState();
            }
            run.StartEpoch();
            for (int step = state.StepInEpoch; step < run.StepsPerEpoch; step++)
            {
                if (cancellation.IsCancellationRequested || run.StepsThisRun >= (Options.MaxStepsThisRun ?? long.MaxValue))
                {
                    SaveCheckpoint(run);
                    return Result(TrainingOutcome.Interrupted, state);
                }
                sampler.Fill(state.EpochOrder, step, random, workspace);
                optimizer.SetLearningRate(Options.Schedule.At(state.GlobalStep + 1, run.TotalSteps(Options.Epochs), Options.LearningRate));
                var loss = trainingStep.Run(workspace, state.GlobalStep + 1, epoch + 1);
                state.RandomState = random.SaveState();
                EndStep(run, epoch, step, loss);
            }
            if (EndEpoch(run, data, split.ValidationSlices, validation, epoch))
                return Result(TrainingOutcome.EarlyStopped, state);
        }
        return Result(TrainingOutcome.Completed, state);
    }

    /// <summary>Whether a saved epoch order is a shuffle of this run's epoch pool (the same slices, as often).</summary>
    private static bool SameSlices(int[] order, int[] pool)
    {
        if (order.Length != pool.Length) return false;
        var a = (int[])order.Clone();
        var b = (int[])pool.Clone();
        Array.Sort(a);
        Array.Sort(b);
        return a.AsSpan().SequenceEqual(b);
    }

    /// <summary>The validation workspace and its host input (shared with training when the window is the whole slice).</summary>
    private sealed record ValidationBuffers(Workspace Workspace, float[] Input);

    /// <summary>What a run carries between steps and epochs besides <see cref="TrainingState"/>: the clocks and counts for checkpoints and progress.</summary>
    private sealed class RunProgress(HighResNet2D network, AdamOptimizer optimizer, WeightsMetadata metadata, TrainingState state,
        int batch, int stepsPerEpoch, Action<TrainingProgress>? progress)
    {
        public HighResNet2D Network { get; } = network;
        public AdamOptimizer Optimizer { get; } = optimizer;
        public WeightsMetadata Metadata { get; } = metadata;
        public TrainingState State { get; } = state;
        public int Batch { get; } = batch;
        public int StepsPerEpoch { get; } = stepsPerEpoch;
        public Action<TrainingProgress>? Progress { get; } = progress;
        public Stopwatch RunClock { get; } = Stopwatch.StartNew();
        public Stopwatch CheckpointClock { get; } = Stopwatch.StartNew();
        public Stopwatch EpochClock { get; } = new();
        public long StepsThisRun { get; set; }
        public int StepsAtEpochStart { get; private set; }
        public double SecondsBeforeThisRun { get; private set; }
        public double? LastDice { get; set; } = state.History.Count > 0 ? state.History[^1].ValidationDice : null;

        public long TotalSteps(int epochs) => (long)epochs * StepsPerEpoch;

        /// <summary>Seconds spent in the current epoch, across resumes.</summary>
        public double EpochSeconds => SecondsBeforeThisRun + EpochClock.Elapsed.TotalSeconds;

        public void StartEpoch()
        {
            EpochClock.Restart();
            StepsAtEpochStart = State.StepInEpoch;
            SecondsBeforeThisRun = State.EpochSeconds;
        }

        /// <summary>Remaining time at this run's pace.</summary>
        public TimeSpan Remaining(int epochs) => TimeSpan.FromSeconds(StepsThisRun == 0 ? 0
            : RunClock.Elapsed.TotalSeconds / StepsThisRun * (TotalSteps(epochs) - State.GlobalStep));
    }

    /// <summary>The complete mid-epoch position (order, step, random stream, sums) goes into the checkpoint.</summary>
    private void SaveCheckpoint(RunProgress run)
    {
        run.State.EpochSeconds = run.EpochSeconds;
        Checkpoint.Save(CheckpointPath, run.Network, run.Optimizer, run.Metadata, run.State);
    }

    /// <summary>Counts the step, checkpoints on the interval, reports progress.</summary>
    private void EndStep(RunProgress run, int epoch, int step, LossValue loss)
    {
        var state = run.State;
        run.StepsThisRun++;
        state.GlobalStep++;
        state.StepInEpoch = step + 1;
        state.EpochLossSum += loss.Total;
        state.EpochDiceLossSum += loss.DiceLoss;
        state.EpochL2Sum += loss.L2Penalty;
        // A kill -9 or power cut loses at most one interval, not the whole epoch: the state is the complete
        // mid-epoch position, so a resume is bit-identical.
        if (run.CheckpointClock.Elapsed >= Options.CheckpointInterval && step + 1 < run.StepsPerEpoch)
        {
            SaveCheckpoint(run);
            run.CheckpointClock.Restart();
        }
        double slicesPerSecond = (step + 1 - run.StepsAtEpochStart) * run.Batch / Math.Max(run.EpochClock.Elapsed.TotalSeconds, 1e-9);
        run.Progress?.Invoke(new TrainingProgress(TrainingPhase.Step, epoch + 1, Options.Epochs, step + 1, run.StepsPerEpoch,
            state.GlobalStep, loss.Total, run.LastDice, slicesPerSecond, run.Remaining(Options.Epochs)));
    }

    /// <summary>
    /// Validates, records the epoch, keeps the best weights, checkpoints the epoch boundary and writes the log.
    /// True when early stopping ends the run here.
    /// </summary>
    private bool EndEpoch(RunProgress run, TrainingSet data, IReadOnlyList<int> validationSlices, ValidationBuffers validation, int epoch)
    {
        var state = run.State;
        double dice = Validate(run.Network, data, validationSlices, validation.Workspace, validation.Input);
        run.LastDice = dice;
        double seconds = run.EpochSeconds;
        int steps = run.StepsPerEpoch;
        var record = new EpochRecord(epoch + 1, state.GlobalStep, state.EpochLossSum / steps,
            state.EpochDiceLossSum / steps, state.EpochL2Sum / steps, dice, seconds, steps * run.Batch / Math.Max(seconds, 1e-9));
        state.History.Add(record);
        if (dice > state.BestValidationDice)
        {
            state.BestValidationDice = dice;
            state.BestEpoch = epoch + 1;
            state.EpochsWithoutImprovement = 0;
            WeightsFile.Save(BestWeightsPath, run.Network, run.Metadata, extraMetadata: EpochMetadata(epoch + 1, dice));
        }
        else
        {
            state.EpochsWithoutImprovement++;
        }
        if (Options.KeepEpochWeights)
            WeightsFile.Save(EpochWeightsPath(epoch + 1), run.Network, run.Metadata, extraMetadata: EpochMetadata(epoch + 1, dice));

        state.Epoch = epoch + 1;
        state.StepInEpoch = 0;
        state.EpochOrder = [];
        state.EpochLossSum = state.EpochDiceLossSum = state.EpochL2Sum = state.EpochSeconds = 0;
        Checkpoint.Save(CheckpointPath, run.Network, run.Optimizer, run.Metadata, state);
        run.CheckpointClock.Restart();
        TrainingLog.Write(LogPath, PlotPath, state.History);

        run.Progress?.Invoke(new TrainingProgress(TrainingPhase.EpochEnd, epoch + 1, Options.Epochs, steps, steps,
            state.GlobalStep, record.MeanLoss, dice, record.SlicesPerSecond, run.Remaining(Options.Epochs)));

        return Options.EarlyStoppingPatience is int patience && state.EpochsWithoutImprovement >= patience && state.Epoch < Options.Epochs;
    }

    /// <summary>
    /// Mean over validation patients of the Dice of the predicted (argmax) foreground classes against the labels,
    /// each patient's slices pooled; a class absent from both prediction and label counts as Dice 1.
    /// The last batch is padded with zero slices (inference-mode BN treats slices independently).
    /// </summary>
    private double Validate(HighResNet2D network, TrainingSet data, IReadOnlyList<int> validationSlices, Workspace workspace, float[] batchInput)
    {
        int classes = data.Classes, plane = data.Height * data.Width, channels = data.InputChannels, batch = workspace.Batch;
        var probabilities = new float[batch * classes * plane];
        var counts = new Dictionary<string, long[]>(StringComparer.Ordinal); // per class c ≥ 1: intersection, predicted, reference
        for (int start = 0; start < validationSlices.Count; start += batch)
        {
            int count = Math.Min(batch, validationSlices.Count - start);
            Array.Clear(batchInput);
            for (int b = 0; b < count; b++)
                data.Slices[validationSlices[start + b]].Input.CopyTo(batchInput, b * channels * plane);
            Backend.Upload(batchInput, workspace.Input);
            network.ForwardInference(workspace);
            network.ComputeProbabilities(workspace);
            Backend.Download(workspace.Probabilities, probabilities);
            for (int b = 0; b < count; b++)
            {
                var slice = data.Slices[validationSlices[start + b]];
                if (!counts.TryGetValue(slice.Patient, out var tally))
                    counts[slice.Patient] = tally = new long[3 * classes];
                for (int i = 0; i < plane; i++)
                {
                    int predicted = 0;
                    float best = probabilities[(b * classes) * plane + i];
                    for (int c = 1; c < classes; c++)
                    {
                        float p = probabilities[(b * classes + c) * plane + i];
                        if (p > best) { best = p; predicted = c; }
                    }
                    int reference = slice.Labels[i];
                    if (reference == UncertainPleuralEdges.Uncertain) continue;   // no class to compare with
                    if (predicted > 0) tally[3 * predicted + 1]++;
                    if (reference > 0) tally[3 * reference + 2]++;
                    if (predicted > 0 && predicted == reference) tally[3 * predicted]++;
                }
            }
        }
        double total = 0;
        foreach (var tally in counts.Values)
        {
            double patientDice = 0;
            for (int c = 1; c < classes; c++)
            {
                long denominator = tally[3 * c + 1] + tally[3 * c + 2];
                patientDice += denominator == 0 ? 1.0 : 2.0 * tally[3 * c] / denominator;
            }
            total += patientDice / (classes - 1);
        }
        return total / counts.Count;
    }

    private WeightsMetadata Metadata(TrainingSet data) => new()
    {
        InputChannels = data.InputChannels,
        SliceContext = data.SliceContext,
        ClassNames = data.Classes == 2 ? ["background", "lung"] : Enumerable.Range(0, data.Classes).Select(c => c == 0 ? "background" : $"class_{c}").ToList(),
        TrainingData = data.Description,
        Extra = new Dictionary<string, string>
        {
            ["trainer"] = string.Create(CultureInfo.InvariantCulture,
                $"Dice-NS, Adam lr {Options.LearningRate}, L2 decay {Options.Decay} ({Options.L2Reduction}), batch {Options.BatchSize}, window {(Options.Window is (int wh, int ww) ? $"{wh}×{ww}" : "whole slice")}, seed {Options.Seed}, {(Options.ValidationPatients is { Count: > 0 } named ? $"validation patients {string.Join(" ", named)}" : $"validation fraction {Options.ValidationFraction}")}, augmentation {Options.Augmentation}{(Options.ScannerVariation.IsEnabled ? ", " + Options.ScannerVariation.Describe() : "")}{(Options.FieldOfViewCut.IsEnabled ? ", " + Options.FieldOfViewCut.Describe() : "")}{(Options.DenseLungWeighting.IsEnabled ? ", " + Options.DenseLungWeighting : "")}{(Options.CrossEntropyWeight > 0 ? $", cross-entropy ×{Options.CrossEntropyWeight}" : "")}"),
        },
    };

    private TrainingResult Result(TrainingOutcome outcome, TrainingState state) => new(
        outcome, state.History.Count, state.GlobalStep, state.BestValidationDice, state.BestEpoch,
        CheckpointPath, BestWeightsPath, LogPath, PlotPath, state.History.ToList());
}
