using System.Globalization;
using NativeSeg.IO;
using NativeSeg.Model.Network;
using NativeSeg.Model.Weights;

namespace NativeSeg.Model.Training;

/// <summary>
/// A training checkpoint: a weights file (so <see cref="Inference.Segmenter"/> can load it too) plus Adam's moments
/// (<c>optimizer.exp_avg.*</c>, <c>optimizer.exp_avg_sq.*</c>) and metadata entries <c>kind = checkpoint</c>,
/// <c>adam_step</c>, <c>epoch</c> and <c>training_state</c> (JSON, <see cref="TrainingState"/>: position, RNG state,
/// history). Written atomically (temporary file, then rename), so an interrupted write never leaves a torn file.
/// </summary>
public static class Checkpoint
{
    public const string KindKey = "kind";
    public const string KindValue = "checkpoint";
    public const string StateKey = "training_state";
    public const string AdamStepKey = "adam_step";
    public const string EpochKey = "epoch";
    public const string ValidationDiceKey = "validation_dice";

    /// <summary>
    /// Metadata that belongs to one checkpoint or epoch (and the tensors' checksum): a weights file derived from others
    /// (<see cref="WeightsFile.DerivedMetadata"/>) keeps the rest, not these.
    /// </summary>
    internal static readonly IReadOnlySet<string> PerFileKeys =
        new HashSet<string>([KindKey, StateKey, AdamStepKey, EpochKey, ValidationDiceKey, Weights.WeightsMetadata.ChecksumKey], StringComparer.Ordinal);

    public static void Save(string path, HighResNet2D network, AdamOptimizer optimizer, WeightsMetadata metadata, TrainingState state)
    {
        var extra = new Dictionary<string, string>
        {
            [KindKey] = KindValue,
            [AdamStepKey] = optimizer.StepCount.ToString(CultureInfo.InvariantCulture),
            [EpochKey] = state.Epoch.ToString(CultureInfo.InvariantCulture),
            [StateKey] = state.ToJson(),
        };
        WeightsFile.Save(path, network, metadata, optimizer.ExportMoments(), extra);
    }

    /// <summary>Loads and checks a checkpoint (weights checks, plus the optimiser tensors and the training state).</summary>
    public static (WeightsFile File, TrainingState State, int AdamStep) Load(string path)
    {
        var file = WeightsFile.Load(path);
        if (!file.RawMetadata.TryGetValue(KindKey, out var kind) || kind != KindValue)
            throw new InvalidInputException(path, "this is a weights file, not a training checkpoint (no optimiser state).");
        if (!file.RawMetadata.TryGetValue(StateKey, out var json))
            throw new InvalidInputException(path, "the checkpoint has no training state.");
        if (!file.RawMetadata.TryGetValue(AdamStepKey, out var stepText) || !int.TryParse(stepText, NumberStyles.Integer, CultureInfo.InvariantCulture, out int step) || step < 0)
            throw new InvalidInputException(path, "the checkpoint has no valid adam_step.");
        return (file, TrainingState.FromJson(json, path), step);
    }
}
