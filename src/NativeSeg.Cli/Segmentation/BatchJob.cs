using System.Text;
using NativeSeg.IO;
using NativeSeg.IO.Dicom;

namespace NativeSeg.Cli.Segmentation;

/// <summary>
/// One series (or NIfTI file) of a batch, or an input that could not be planned (then <see cref="PlanningError"/>
/// says why). <see cref="Stem"/> names its outputs: <c>{PatientID}_{SeriesInstanceUID}</c> for DICOM (characters
/// other than letters, digits, '.', '-' and '_' become '_'; "unknown" for a missing PatientID, "noseries" for a missing
/// SeriesInstanceUID), the file name without .nii/.nii.gz for NIfTI.
/// </summary>
public sealed record BatchJob(string Input, string Stem, DicomSeriesInfo? Series, string? PatientId, string? StudyInstanceUid,
    string? SeriesInstanceUid, string? PlanningError = null, string? IgnoredReason = null)
{
    public bool IsNifti => Series is null && CtReader.IsNifti(Input);

    public static BatchJob Failed(string input, string reason) => new(input, "", null, null, null, null, PlanningError: reason);

    public static BatchJob ForNifti(string path) => new(path, Safe(StripNiftiExtension(Path.GetFileName(path))), null, null, null, null);

    /// <summary>A series found in a folder; <see cref="Input"/> is the folder holding its first file (where a user finds it).</summary>
    public static BatchJob ForSeries(string source, DicomSeriesInfo series, bool allowNonCt)
    {
        if (Directory.Exists(source) && series.Files.Count > 0)
            source = Path.GetDirectoryName(series.Files[0]) ?? source;
        string? ignored = !allowNonCt && series.Modality != "CT"
            ? $"modality {(series.Modality.Length == 0 ? "(none)" : $"'{InputText.Printable(series.Modality)}'")}, not CT (--allow-non-ct segments it)"
            : null;
        return new BatchJob(source, StemOf(series.PatientId, series.SeriesInstanceUid), series, series.PatientId, series.StudyInstanceUid,
            series.SeriesInstanceUid, IgnoredReason: ignored);
    }

    public static string StemOf(string? patientId, string? seriesUid) =>
        $"{(string.IsNullOrEmpty(patientId) ? "unknown" : Safe(patientId))}_{(string.IsNullOrEmpty(seriesUid) ? "noseries" : Safe(seriesUid))}";

    private static string StripNiftiExtension(string name) =>
        name.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase) ? name[..^7]
        : name.EndsWith(".nii", StringComparison.OrdinalIgnoreCase) ? name[..^4] : name;

    /// <summary>A file-name-safe form: letters, digits, '.', '-', '_' kept, anything else '_', at most 100 characters.</summary>
    public static string Safe(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text.Trim())
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        string safe = builder.ToString().Trim('.');
        if (safe.Length == 0) safe = "_";
        return safe.Length <= 100 ? safe : safe[..100];
    }
}
