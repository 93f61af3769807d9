namespace NativeSeg.Cli.Segmentation;

/// <summary>The files one series is written to (temporary paths from an <see cref="Outputs.OutputSet"/>; null: not asked for).</summary>
public sealed record SeriesOutputFiles(
    string? Nifti = null,
    string? DicomSeg = null,
    string? RtStruct = null,
    string? Probabilities = null,
    string? Preview = null,
    string? StatisticsJson = null,
    string? StatisticsCsv = null);
