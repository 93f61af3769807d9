using System.Globalization;
using System.Reflection;

namespace NativeSeg.Model.Weights;

/// <summary>
/// The <c>__metadata__</c> of a NativeSeg weights file: what the network is, what its classes mean, how its input
/// must be prepared, what it was trained on, which NativeSeg wrote it. The SHA-256 checksum of the tensor bytes is
/// added by <see cref="WeightsFile"/>. Unknown keys are kept in <see cref="Extra"/>.
/// </summary>
public sealed record WeightsMetadata
{
    public const string ArchitectureName = "HighResNet2D";

    public string Architecture { get; init; } = ArchitectureName;

    public int InputChannels { get; init; } = 1;

    /// <summary>
    /// Neighbouring slices as input channels 2 and 3 (<see cref="Imaging.Preprocessing.SliceContext"/>); none for the
    /// paper's network. Written only when enabled, so a single-slice file's metadata is what it always was.
    /// </summary>
    public Imaging.Preprocessing.SliceContext SliceContext { get; init; }

    /// <summary>Class names in output-channel order; the count is the number of classes.</summary>
    public IReadOnlyList<string> ClassNames { get; init; } = ["background", "lung"];

    /// <summary>How the network input was made (our reading of the paper's pipeline by default).</summary>
    public string Preprocessing { get; init; } = DefaultPreprocessing;

    public string TrainingData { get; init; } = "";

    /// <summary>
    /// Lung probability at or above which a voxel is lung when this network segments (null: 0.5, the argmax of two
    /// classes). A property of the trained network, not of the CT: a network trained with a cross-entropy term is less
    /// sure at the edges than one trained with Dice alone, and its best cut need not be 0.5. Written only when set,
    /// so a file without it reads as it always did. Training writes none, also when it starts from a file that has
    /// one: a trained network is a new one, and its cut is measured again (`nativeseg set-threshold`).
    /// </summary>
    public float? DecisionThreshold { get; init; }

    /// <summary>The threshold a segmentation with this network cuts at: <paramref name="requested"/> if given, else the file's own, else 0.5.</summary>
    public float ThresholdOr(float? requested) => requested ?? DecisionThreshold ?? ArgmaxThreshold;

    /// <summary>The argmax of two classes: the cut of a file that names none.</summary>
    public const float ArgmaxThreshold = 0.5f;

    public string Version { get; init; } = NativeSegVersion;

    /// <summary>Further string entries (for example the trainer's options).</summary>
    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>();

    public const string DefaultPreprocessing =
        "per slice: body bounding box (threshold -500 HU, largest component), crop, bilinear resize to 296 columns x 216 rows, intensity = clip((HU + 1000) / 1000, 0, 1.3)";

    public static string NativeSegVersion =>
        typeof(WeightsMetadata).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    internal const string ArchitectureKey = "architecture";
    internal const string InputChannelsKey = "input_channels";
    internal const string ClassesKey = "classes";
    internal const string PreprocessingKey = "preprocessing";
    internal const string TrainingDataKey = "training_data";
    internal const string VersionKey = "version";
    internal const string ChecksumKey = "sha256";
    internal const string SliceContextKey = "slice_context_mm";
    internal const string FormatKey = "format";
    internal const string DecisionThresholdKey = "decision_threshold";

    /// <summary>Why <paramref name="threshold"/> cannot cut a probability map into lung and not lung, or null.</summary>
    public static string? ThresholdProblem(float threshold) =>
        threshold > 0 && threshold < 1 ? null : $"{threshold.ToString("R", CultureInfo.InvariantCulture)} is not strictly between 0 and 1 (every voxel or none would be lung)";

    internal Dictionary<string, string> ToDictionary()
    {
        var map = new Dictionary<string, string>(Extra, StringComparer.Ordinal)
        {
            [ArchitectureKey] = Architecture,
            [InputChannelsKey] = InputChannels.ToString(CultureInfo.InvariantCulture),
            [ClassesKey] = string.Join(",", ClassNames),
            [PreprocessingKey] = Preprocessing,
            [TrainingDataKey] = TrainingData,
            [VersionKey] = Version,
        };
        if (SliceContext.IsEnabled) map[SliceContextKey] = SliceContext.OffsetMm.ToString("R", CultureInfo.InvariantCulture);
        if (DecisionThreshold is float threshold) map[DecisionThresholdKey] = threshold.ToString("R", CultureInfo.InvariantCulture);
        else map.Remove(DecisionThresholdKey);
        return map;
    }

    internal static WeightsMetadata FromDictionary(IReadOnlyDictionary<string, string> map, string path)
    {
        string Require(string key) => map.TryGetValue(key, out var v) ? v
            : throw new IO.InvalidInputException(path, $"not a NativeSeg weights file: metadata '{key}' is missing.");
        string architecture = Require(ArchitectureKey);
        if (architecture != ArchitectureName)
            throw new IO.InvalidInputException(path, $"architecture '{architecture}' is not {ArchitectureName}.");
        if (!int.TryParse(Require(InputChannelsKey), NumberStyles.Integer, CultureInfo.InvariantCulture, out int inputs) || inputs < 1)
            throw new IO.InvalidInputException(path, $"metadata input_channels '{map[InputChannelsKey]}' is not a positive integer.");
        var classes = Require(ClassesKey).Split(',');
        if (classes.Length < 2)
            throw new IO.InvalidInputException(path, $"metadata classes '{map[ClassesKey]}' names fewer than two classes.");
        var context = Imaging.Preprocessing.SliceContext.None;
        if (map.TryGetValue(SliceContextKey, out var offset))
        {
            if (!double.TryParse(offset, NumberStyles.Float, CultureInfo.InvariantCulture, out double mm) || !(mm > 0))
                throw new IO.InvalidInputException(path, $"metadata {SliceContextKey} '{offset}' is not a positive number of millimetres.");
            context = new Imaging.Preprocessing.SliceContext(mm);
            if (context.Problem is string problem)
                throw new IO.InvalidInputException(path, $"metadata {SliceContextKey}: {problem}.");
        }
        if (context.IsEnabled && context.Channels != inputs)
            throw new IO.InvalidInputException(path, $"the network takes {inputs} input channel(s), but its input is {context} ({SliceContextKey} {(context.IsEnabled ? offset : "absent")}).");
        float? decisionThreshold = null;
        if (map.TryGetValue(DecisionThresholdKey, out var thresholdText))
        {
            if (!float.TryParse(thresholdText, NumberStyles.Float, CultureInfo.InvariantCulture, out float threshold))
                throw new IO.InvalidInputException(path, $"metadata {DecisionThresholdKey} '{thresholdText}' is not a number.");
            if (ThresholdProblem(threshold) is string problem)
                throw new IO.InvalidInputException(path, $"metadata {DecisionThresholdKey}: {problem}.");
            decisionThreshold = threshold;
        }
        var known = new HashSet<string> { ArchitectureKey, InputChannelsKey, ClassesKey, PreprocessingKey, TrainingDataKey, VersionKey, ChecksumKey, SliceContextKey, DecisionThresholdKey };
        return new WeightsMetadata
        {
            Architecture = architecture,
            InputChannels = inputs,
            SliceContext = context,
            ClassNames = classes,
            Preprocessing = map.GetValueOrDefault(PreprocessingKey, ""),
            TrainingData = map.GetValueOrDefault(TrainingDataKey, ""),
            DecisionThreshold = decisionThreshold,
            Version = map.GetValueOrDefault(VersionKey, ""),
            Extra = map.Where(p => !known.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
        };
    }
}
