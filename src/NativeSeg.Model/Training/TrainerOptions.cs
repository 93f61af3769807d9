using NativeSeg.Engine;
using NativeSeg.Model.Network;

namespace NativeSeg.Model.Training;

/// <summary>
/// Training settings. The defaults are the paper's: Adam with learning rate 0.02, L2 decay 1e-4 (NiftyNet's mean over
/// tensors), batch 17, Dice-NS, 5% of the patients held out for validation.
/// </summary>
public sealed record TrainerOptions
{
    /// <summary>Folder for checkpoint.safetensors, best.safetensors, training-log.csv and training-plot.svg.</summary>
    public required string OutputDirectory { get; init; }

    public int Epochs { get; init; } = 50;

    public int BatchSize { get; init; } = 17;

    public float LearningRate { get; init; } = 0.02f;

    /// <summary>How the rate moves from <see cref="LearningRate"/> over the run; the paper keeps it constant.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>
    /// Most copies per epoch of a slice whose lung meets the chest wall with dense tissue
    /// (<see cref="PleuralDensityOversampling"/>); 1 shows every slice once, as the paper does.
    /// </summary>
    public int PleuralOversampling { get; init; } = 1;

    /// <summary>
    /// <see cref="BatchNormStatistics.Running"/> fine-tunes with the loaded weights' running statistics, held: the
    /// network trains exactly as it will be used, and the fine-tuning data cannot move the normalisation of every
    /// other input. Meant for a run that starts from trained weights (a fresh network's statistics are 0 and 1).
    /// </summary>
    public BatchNormStatistics BatchNormStatistics { get; init; } = BatchNormStatistics.Batch;

    /// <summary>The loss weight of dense lung (<see cref="DenseLungWeighting"/>); none keeps the paper's Dice-NS.</summary>
    public DenseLungWeighting DenseLungWeighting { get; init; } = DenseLungWeighting.None;

    /// <summary>
    /// λ of a cross-entropy term added to Dice-NS (<see cref="TrainingObjective"/>): 0, the paper's loss, or up to
    /// <see cref="CrossEntropyWeightLimit"/>.
    /// </summary>
    public float CrossEntropyWeight { get; init; }

    /// <summary>The largest λ of the cross-entropy term.</summary>
    public const float CrossEntropyWeightLimit = 10;

    /// <summary>The schedule, sampling, batch-norm mode and loss in words, stored in checkpoints so a resume cannot change them silently.</summary>
    public string Recipe => RecipeOf(Schedule, PleuralOversampling, BatchNormStatistics, ScannerVariation, DenseLungWeighting)
        + (FieldOfViewCut.IsEnabled ? "; " + FieldOfViewCut.Describe() : "")
        + (CrossEntropyWeight > 0 ? $"; cross-entropy ×{CrossEntropyWeight.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "");

    /// <summary>The paper's recipe in those words: what checkpoints from before schedules existed ran.</summary>
    public static string PaperRecipe { get; } = RecipeOf(LearningRateSchedule.Constant, 1, BatchNormStatistics.Batch, ScannerVariation.None, DenseLungWeighting.None);

    // Batch statistics, no scanner variation, no loss weighting and no cross-entropy add nothing to the words, so
    // checkpoints written before those options resume unchanged.
    private static string RecipeOf(LearningRateSchedule schedule, int pleuralOversampling, BatchNormStatistics statistics, ScannerVariation variation,
        DenseLungWeighting weighting) =>
        $"schedule {schedule}; pleural oversampling ×{pleuralOversampling}"
        + (statistics == BatchNormStatistics.Running ? "; batch-norm running statistics held" : "")
        + (variation.IsEnabled ? "; " + variation.Describe() : "")
        + (weighting.IsEnabled ? "; " + weighting : "");

    /// <summary>
    /// Also keep each epoch's weights as epochN.safetensors beside the checkpoint (for averaging a run's last epochs, or
    /// scoring any of them later). Does not change the training, so a resume may turn it on or off.
    /// </summary>
    public bool KeepEpochWeights { get; init; }

    public double Decay { get; init; } = 1e-4;

    public L2Reduction L2Reduction { get; init; } = L2Reduction.Mean;

    public double ValidationFraction { get; init; } = 0.05;

    /// <summary>The validation patients by name; null draws <see cref="ValidationFraction"/> of the patients with the
    /// seed. Naming them lets a fine-tuning run validate on a real patient with the hard cases it is meant to fix.</summary>
    public IReadOnlyList<string>? ValidationPatients { get; init; }

    /// <summary>Seeds the weights, the patient split, the shuffling and the augmentation.</summary>
    public ulong Seed { get; init; } = 1;

    public SliceAugmentation Augmentation { get; init; } = SliceAugmentation.Default;

    /// <summary>Noise and blur of other scanners and reconstructions (<see cref="ScannerVariation"/>); off by default.</summary>
    public ScannerVariation ScannerVariation { get; init; } = ScannerVariation.None;

    /// <summary>Slices whose body a small field of view cuts (<see cref="FieldOfViewCut"/>); off by default.</summary>
    public FieldOfViewCut FieldOfViewCut { get; init; } = FieldOfViewCut.None;

    /// <summary>
    /// Train on random windows of this many rows × columns cut from each (augmented) slice, as NiftyNet's window
    /// sampler does; null trains on whole slices. Validation always runs on whole slices. Both must be multiples of 8
    /// and at most the slice size. Windows cut the cost of a step by the area ratio; 87 px is the receptive field.
    /// </summary>
    public (int Height, int Width)? Window { get; init; }

    /// <summary>Stop after this many epochs without a better validation Dice; null trains every epoch.</summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>Stop (as if cancelled, with a checkpoint) after this many optimiser steps in this call; null for no limit. Lets tests interrupt at an exact step.</summary>
    public long? MaxStepsThisRun { get; init; }

    /// <summary>
    /// Also write the checkpoint mid-epoch once this much time has passed since the last one (besides every epoch's
    /// end and an interruption), so a kill or power cut loses minutes, not an epoch. Zero checkpoints after every step.
    /// </summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMinutes(5);

    public void Validate()
    {
        if (CheckpointInterval < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(CheckpointInterval), CheckpointInterval, "The checkpoint interval cannot be negative.");
        if (string.IsNullOrWhiteSpace(OutputDirectory))
            throw new ArgumentException("The trainer needs an output directory.");
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 1, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        if (!(LearningRate > 0) || float.IsInfinity(LearningRate))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "The learning rate must be positive.");
        ArgumentNullException.ThrowIfNull(Schedule, nameof(Schedule));
        ArgumentOutOfRangeException.ThrowIfLessThan(PleuralOversampling, 1, nameof(PleuralOversampling));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PleuralOversampling, 16, nameof(PleuralOversampling));
        if (!(Decay >= 0) || double.IsInfinity(Decay))
            throw new ArgumentOutOfRangeException(nameof(Decay), Decay, "The decay must be zero or positive.");
        if (Window is (int wh, int ww) && (wh < 8 || ww < 8 || wh % 8 != 0 || ww % 8 != 0))
            throw new ArgumentOutOfRangeException(nameof(Window), Window, "Training windows must be multiples of 8, at least 8.");
        ArgumentNullException.ThrowIfNull(ScannerVariation, nameof(ScannerVariation));
        ArgumentNullException.ThrowIfNull(DenseLungWeighting, nameof(DenseLungWeighting));
        ArgumentNullException.ThrowIfNull(FieldOfViewCut, nameof(FieldOfViewCut));
        if (!FieldOfViewCut.IsWithinLimits)
            throw new ArgumentOutOfRangeException(nameof(FieldOfViewCut), FieldOfViewCut, $"The field-of-view cut takes 0 to {FieldOfViewCut.CutLimit} of each side.");
        if (!(CrossEntropyWeight >= 0 && CrossEntropyWeight <= CrossEntropyWeightLimit))
            throw new ArgumentOutOfRangeException(nameof(CrossEntropyWeight), CrossEntropyWeight, $"The cross-entropy weight lies between 0 and {CrossEntropyWeightLimit}.");
        if (!ScannerVariation.IsWithinLimits)
            throw new ArgumentOutOfRangeException(nameof(ScannerVariation), ScannerVariation,
                $"Scanner variation takes noise SD 0–{ScannerVariation.NoiseLimitHu} HU and blur σ 0–{ScannerVariation.BlurLimitPixels} pixels.");
        if (EarlyStoppingPatience is < 1)
            throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), EarlyStoppingPatience, "Patience counts at least one epoch.");
    }
}
