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
    public string LogPath => Path.Combine(Options.OutputDirectory, LogFileName);
    public string PlotPath => Path.Combine(Options.OutputDirectory, PlotFileName);

    /// <summary>A fresh run: He-normal weights from the seed, zero Adam moments.</summary>
    public TrainingResult Train(TrainingSet data, Action<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        Options.Validate();
        ArgumentNullException.ThrowIfNull(data);
        using var network = HighResNet2D.CreateInitialised(Backend, new HighResNetConfiguration(data.InputChannels, data.Classes), Options.Seed);
        var state = new TrainingState { Seed = Options.Seed, BatchSize = Options.BatchSize, ValidationFraction = Options.ValidationFraction };
        return Run(data, network, state, adamStep: 0, moments: null, progress, cancellation);
    }

    /// <summary>
    /// A fresh run that starts from trained weights (fine-tuning): the network from <paramref name="weightsPath"/>,
    /// zero Adam moments, epoch 0. Everything else (split, shuffling, augmentation) is seeded as in <see cref="Train"/>,
    /// and a checkpoint of this run resumes like any other.
    /// </summary>
    public TrainingResult FineTune(string weightsPath, TrainingSet data, Action<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        Options.Validate();
        ArgumentNullException.ThrowIfNull(weightsPath);
        ArgumentNullException.ThrowIfNull(data);
        var file = WeightsFile.Load(weightsPath);
        if (file.Configuration != new HighResNetConfiguration(data.InputChannels, data.Classes))
            throw new InvalidInputException(weightsPath, $"the weights' network takes {file.Configuration.InputChannels} channel(s) and {file.Configuration.Classes} classes, the data {data.InputChannels} and {data.Classes}.");
        using var network = new HighResNet2D(Backend, file.Configuration);
        network.ImportTensors(file.NetworkTensors);
        var state = new TrainingState { Seed = Options.Seed, BatchSize = Options.BatchSize, ValidationFraction = Options.ValidationFraction };
        return Run(data, network, state, adamStep: 0, moments: null, progress, cancellation);
    }

    /// <summary>Continues the run saved in a checkpoint (written by <see cref="Train"/> or an earlier resume) on the same data.</summary>
    public TrainingResult Resume(string checkpointPath, TrainingSet data, Action<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        Options.Validate();
        ArgumentNullException.ThrowIfNull(data);
        var (file, state, adamStep) = Checkpoint.Load(checkpointPath);
        if (file.Configuration != new HighResNetConfiguration(data.InputChannels, data.Classes))
            throw new InvalidInputException(checkpointPath, $"the checkpoint's network takes {file.Configuration.InputChannels} channel(s) and {file.Configuration.Classes} classes, the data {data.InputChannels} and {data.Classes}.");
        if (state.Seed != Options.Seed || state.BatchSize != Options.BatchSize || state.ValidationFraction != Options.ValidationFraction)
            throw new InvalidInputException(checkpointPath, $"the checkpoint was made with seed {state.Seed}, batch {state.BatchSize}, validation fraction {state.ValidationFraction}; a resume must keep them.");
        using var network = new HighResNet2D(Backend, file.Configuration);
        network.ImportTensors(file.NetworkTensors);
        return Run(data, network, state, adamStep, file.ExtraTensors, progress, cancellation, checkpointPath);
    }

    private TrainingResult Run(TrainingSet data, HighResNet2D network, TrainingState state, int adamStep,
        IReadOnlyDictionary<string, float[]>? moments, Action<TrainingProgress>? progress, CancellationToken cancellation,
        string? sourcePath = null)
    {
        Directory.CreateDirectory(Options.OutputDirectory);
        var objective = new TrainingObjective(network, Options.Decay, Options.L2Reduction);
        using var optimizer = new AdamOptimizer(network, new AdamSettings(Options.LearningRate), objective.L2Coefficient);
        if (moments is not null)
            optimizer.ImportMoments(moments, adamStep, sourcePath ?? CheckpointPath);
        var metadata = Metadata(data);

        var split = PatientSplit.Create(data, Options);
        int batch = Math.Min(Options.BatchSize, split.TrainingSlices.Count);
        int stepsPerEpoch = split.TrainingSlices.Count / batch;
        int channels = data.InputChannels, classes = data.Classes, h = data.Height, w = data.Width, plane = h * w;
        var (windowHeight, windowWidth) = Options.Window ?? (h, w);
        if (windowHeight > h || windowWidth > w)
            throw new ArgumentOutOfRangeException(nameof(Options), $"the training window {windowHeight}×{windowWidth} is larger than the {h}×{w} slices.");
        int windowPlane = windowHeight * windowWidth;
        var workspace = network.GetWorkspace(batch, windowHeight, windowWidth);
        var validationWorkspace = Options.Window is null ? workspace : network.GetWorkspace(batch, h, w);
        var batchInput = new float[batch * channels * windowPlane];
        var batchLabels = new float[batch * classes * windowPlane];
        var validationInput = Options.Window is null ? batchInput : new float[batch * channels * plane];
        var sliceInput = new float[channels * plane];
        var sliceLabels = new byte[plane];
        var windowLabels = new byte[windowPlane];
        var random = state.RandomState.Length == 0 ? SeededRandom.ForStream(Options.Seed, RandomStreams.Training) : SeededRandom.RestoreState(state.RandomState);

        var runClock = Stopwatch.StartNew();
        var checkpointClock = Stopwatch.StartNew();
        long stepsThisRun = 0;
        long totalSteps = (long)Options.Epochs * stepsPerEpoch;
        double? lastDice = state.History.Count > 0 ? state.History[^1].ValidationDice : null;

        for (int epoch = state.Epoch; epoch < Options.Epochs; epoch++)
        {
            if (state.EpochOrder.Length == 0)
            {
                var order = split.TrainingSlices.ToArray();
                random.Shuffle(order);
                state.EpochOrder = order;
                state.StepInEpoch = 0;
                state.RandomState = random.SaveState();
            }
            var epochClock = Stopwatch.StartNew();
            int stepsAtEpochStart = state.StepInEpoch;
            double secondsBefore = state.EpochSeconds;

            for (int step = state.StepInEpoch; step < stepsPerEpoch; step++)
            {
                if (cancellation.IsCancellationRequested || stepsThisRun >= (Options.MaxStepsThisRun ?? long.MaxValue))
                {
                    state.EpochSeconds = secondsBefore + epochClock.Elapsed.TotalSeconds;
                    Checkpoint.Save(CheckpointPath, network, optimizer, metadata, state);
                    return Result(TrainingOutcome.Interrupted, state);
                }

                for (int b = 0; b < batch; b++)
                {
                    var slice = data.Slices[state.EpochOrder[step * batch + b]];
                    Options.Augmentation.Apply(slice, random, sliceInput, sliceLabels);
                    int top = windowHeight == h ? 0 : random.NextInt(h - windowHeight + 1);
                    int leftColumn = windowWidth == w ? 0 : random.NextInt(w - windowWidth + 1);
                    CutWindow(sliceInput, sliceLabels, h, w, top, leftColumn, windowHeight, windowWidth,
                        batchInput.AsSpan(b * channels * windowPlane, channels * windowPlane), windowLabels);
                    OneHot(windowLabels, classes, batchLabels.AsSpan(b * classes * windowPlane, classes * windowPlane));
                }
                Backend.Upload(batchInput, workspace.Input);
                Backend.Upload(batchLabels, workspace.Labels);

                network.ForwardTraining(workspace);
                var loss = objective.Forward(workspace);
                if (!loss.IsFinite)
                    throw new TrainingDivergedException(state.GlobalStep + 1, epoch + 1, $"the loss is {loss.Total} (Dice-NS {loss.DiceLoss}, L2 {loss.L2Penalty})", CheckpointPath);
                objective.Backward(workspace);
                network.Backward(workspace);
                foreach (var t in network.TrainableTensors)
                {
                    double sumOfSquares = Backend.SumOfSquares(t.RequireGradient());
                    if (!double.IsFinite(sumOfSquares))
                        throw new TrainingDivergedException(state.GlobalStep + 1, epoch + 1, $"the gradient of {t.Name} is not finite", CheckpointPath);
                }
                optimizer.Step();

                stepsThisRun++;
                state.GlobalStep++;
                state.StepInEpoch = step + 1;
                state.EpochLossSum += loss.Total;
                state.EpochDiceLossSum += loss.DiceLoss;
                state.EpochL2Sum += loss.L2Penalty;
                state.RandomState = random.SaveState();
                // A kill -9 or power cut loses at most one interval, not the whole epoch: the state above is the
                // complete mid-epoch position (order, step, random stream, sums), so a resume is bit-identical.
                if (checkpointClock.Elapsed >= Options.CheckpointInterval && step + 1 < stepsPerEpoch)
                {
                    state.EpochSeconds = secondsBefore + epochClock.Elapsed.TotalSeconds;
                    Checkpoint.Save(CheckpointPath, network, optimizer, metadata, state);
                    checkpointClock.Restart();
                }

                double elapsed = epochClock.Elapsed.TotalSeconds;
                double slicesPerSecond = (step + 1 - stepsAtEpochStart) * batch / Math.Max(elapsed, 1e-9);
                var remaining = TimeSpan.FromSeconds(runClock.Elapsed.TotalSeconds / stepsThisRun * (totalSteps - state.GlobalStep));
                progress?.Invoke(new TrainingProgress(TrainingPhase.Step, epoch + 1, Options.Epochs, step + 1, stepsPerEpoch,
                    state.GlobalStep, loss.Total, lastDice, slicesPerSecond, remaining));
            }

            double dice = Validate(network, data, split.ValidationSlices, validationWorkspace, validationInput);
            lastDice = dice;
            double seconds = secondsBefore + epochClock.Elapsed.TotalSeconds;
            var record = new EpochRecord(epoch + 1, state.GlobalStep, state.EpochLossSum / stepsPerEpoch,
                state.EpochDiceLossSum / stepsPerEpoch, state.EpochL2Sum / stepsPerEpoch, dice, seconds,
                stepsPerEpoch * batch / Math.Max(seconds, 1e-9));
            state.History.Add(record);
            if (dice > state.BestValidationDice)
            {
                state.BestValidationDice = dice;
                state.BestEpoch = epoch + 1;
                state.EpochsWithoutImprovement = 0;
                WeightsFile.Save(BestWeightsPath, network, metadata, extraMetadata: new Dictionary<string, string>
                {
                    [Checkpoint.EpochKey] = (epoch + 1).ToString(CultureInfo.InvariantCulture),
                    ["validation_dice"] = dice.ToString("R", CultureInfo.InvariantCulture),
                });
            }
            else
            {
                state.EpochsWithoutImprovement++;
            }

            state.Epoch = epoch + 1;
            state.StepInEpoch = 0;
            state.EpochOrder = [];
            state.EpochLossSum = state.EpochDiceLossSum = state.EpochL2Sum = state.EpochSeconds = 0;
            Checkpoint.Save(CheckpointPath, network, optimizer, metadata, state);
            checkpointClock.Restart();
            TrainingLog.Write(LogPath, PlotPath, state.History);

            var left = TimeSpan.FromSeconds(stepsThisRun == 0 ? 0 : runClock.Elapsed.TotalSeconds / stepsThisRun * (totalSteps - state.GlobalStep));
            progress?.Invoke(new TrainingProgress(TrainingPhase.EpochEnd, epoch + 1, Options.Epochs, stepsPerEpoch, stepsPerEpoch,
                state.GlobalStep, record.MeanLoss, dice, record.SlicesPerSecond, left));

            if (Options.EarlyStoppingPatience is int patience && state.EpochsWithoutImprovement >= patience && state.Epoch < Options.Epochs)
                return Result(TrainingOutcome.EarlyStopped, state);
        }
        return Result(TrainingOutcome.Completed, state);
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

    /// <summary>Copies the window at (top, left) of every input channel and of the labels.</summary>
    private static void CutWindow(ReadOnlySpan<float> input, ReadOnlySpan<byte> labels, int height, int width, int top, int left,
        int windowHeight, int windowWidth, Span<float> windowInput, Span<byte> windowLabels)
    {
        int channels = input.Length / (height * width);
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < windowHeight; y++)
                input.Slice((c * height + top + y) * width + left, windowWidth)
                    .CopyTo(windowInput.Slice((c * windowHeight + y) * windowWidth, windowWidth));
        for (int y = 0; y < windowHeight; y++)
            labels.Slice((top + y) * width + left, windowWidth).CopyTo(windowLabels.Slice(y * windowWidth, windowWidth));
    }

    private static void OneHot(ReadOnlySpan<byte> labels, int classes, Span<float> destination)
    {
        int plane = labels.Length;
        destination.Clear();
        for (int i = 0; i < plane; i++)
            destination[labels[i] * plane + i] = 1f;
    }

    private WeightsMetadata Metadata(TrainingSet data) => new()
    {
        InputChannels = data.InputChannels,
        ClassNames = data.Classes == 2 ? ["background", "lung"] : Enumerable.Range(0, data.Classes).Select(c => c == 0 ? "background" : $"class_{c}").ToList(),
        TrainingData = data.Description,
        Extra = new Dictionary<string, string>
        {
            ["trainer"] = string.Create(CultureInfo.InvariantCulture,
                $"Dice-NS, Adam lr {Options.LearningRate}, L2 decay {Options.Decay} ({Options.L2Reduction}), batch {Options.BatchSize}, window {(Options.Window is (int wh, int ww) ? $"{wh}×{ww}" : "whole slice")}, seed {Options.Seed}, {(Options.ValidationPatients is { Count: > 0 } named ? $"validation patients {string.Join(" ", named)}" : $"validation fraction {Options.ValidationFraction}")}, augmentation {Options.Augmentation}"),
        },
    };

    private TrainingResult Result(TrainingOutcome outcome, TrainingState state) => new(
        outcome, state.History.Count, state.GlobalStep, state.BestValidationDice, state.BestEpoch,
        CheckpointPath, BestWeightsPath, LogPath, PlotPath, state.History.ToList());
}
