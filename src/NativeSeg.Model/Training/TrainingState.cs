using System.Text.Json;
using NativeSeg.IO;

namespace NativeSeg.Model.Training;

/// <summary>
/// Everything besides the tensors that a resumed run needs to continue exactly where the interrupted one stopped:
/// position (epoch, step within it, the epoch's slice order), the random stream's state, the running sums of the
/// epoch, the best validation result so far and the log history. Stored as JSON in the checkpoint's metadata.
/// </summary>
public sealed class TrainingState
{
    /// <summary>0-based epoch in progress; with <see cref="StepInEpoch"/> = 0 and no order, the next epoch to start.</summary>
    public int Epoch { get; set; }

    /// <summary>Steps of <see cref="Epoch"/> already done.</summary>
    public int StepInEpoch { get; set; }

    /// <summary>Optimiser steps done in the whole run (Adam's step count).</summary>
    public long GlobalStep { get; set; }

    /// <summary>The shuffled training-slice order of the epoch in progress (empty between epochs).</summary>
    public int[] EpochOrder { get; set; } = [];

    /// <summary>State of the training random stream (shuffles and augmentation) after the last completed step.</summary>
    public string RandomState { get; set; } = "";

    public double EpochLossSum { get; set; }
    public double EpochDiceLossSum { get; set; }
    public double EpochL2Sum { get; set; }
    public double EpochSeconds { get; set; }

    public double BestValidationDice { get; set; } = double.NegativeInfinity;
    public int BestEpoch { get; set; }
    public int EpochsWithoutImprovement { get; set; }

    public List<EpochRecord> History { get; set; } = [];

    /// <summary>The options that shape the run (checked on resume so a resume cannot silently change the run).</summary>
    public ulong Seed { get; set; }
    public int BatchSize { get; set; }
    public double ValidationFraction { get; set; }

    /// <summary><see cref="TrainerOptions.Recipe"/> of the run; empty in checkpoints from before schedules existed
    /// (they ran the constant rate with every slice once).</summary>
    public string Recipe { get; set; } = "";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static TrainingState FromJson(string json, string path)
    {
        try
        {
            return JsonSerializer.Deserialize<TrainingState>(json, Json) ?? throw new InvalidInputException(path, "the checkpoint's training state is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidInputException(path, $"the checkpoint's training state is malformed: {e.Message}", e);
        }
    }
}
