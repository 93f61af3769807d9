namespace NativeSeg.Model.Training;

/// <summary>When a progress report is sent.</summary>
public enum TrainingPhase
{
    /// <summary>After an optimiser step.</summary>
    Step,

    /// <summary>After an epoch's validation, with its Dice.</summary>
    EpochEnd,
}

/// <summary>What the trainer reports to its caller (the CLI prints it).</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Step">1-based step within the epoch.</param>
/// <param name="Loss">The step's total loss (Dice-NS + L2); at EpochEnd the epoch's mean.</param>
/// <param name="ValidationDice">The last validation Dice (null before the first validation).</param>
/// <param name="SlicesPerSecond">Training throughput over the epoch so far.</param>
/// <param name="EstimatedRemaining">Time left for the remaining steps of the whole run at the current pace.</param>
public sealed record TrainingProgress(
    TrainingPhase Phase, int Epoch, int Epochs, int Step, int StepsPerEpoch, long GlobalStep,
    double Loss, double? ValidationDice, double SlicesPerSecond, TimeSpan EstimatedRemaining);

/// <summary>One line of the training log.</summary>
public sealed record EpochRecord(int Epoch, long GlobalStep, double MeanLoss, double MeanDiceLoss, double MeanL2Penalty,
    double ValidationDice, double Seconds, double SlicesPerSecond);

/// <summary>How a training run ended.</summary>
public enum TrainingOutcome
{
    Completed,
    EarlyStopped,

    /// <summary>Cancelled (or stopped by <see cref="TrainerOptions.MaxStepsThisRun"/>); a checkpoint was written and the run can be resumed.</summary>
    Interrupted,
}

/// <summary>The outcome of <see cref="Trainer.Train"/> or <see cref="Trainer.Resume"/>.</summary>
public sealed record TrainingResult(
    TrainingOutcome Outcome, int EpochsCompleted, long GlobalStep, double BestValidationDice, int BestEpoch,
    string CheckpointPath, string BestWeightsPath, string LogPath, string PlotPath, IReadOnlyList<EpochRecord> History);

/// <summary>The loss or a gradient became NaN or infinite; the last good checkpoint on disk is left untouched.</summary>
public sealed class TrainingDivergedException(long step, int epoch, string what, string checkpointPath)
    : Exception($"Training diverged at step {step} (epoch {epoch}): {what}. Stopped; the last good checkpoint is {checkpointPath}.")
{
    public long Step { get; } = step;
    public int Epoch { get; } = epoch;
}
