namespace NativeSeg.IO.Dicom;

/// <summary>
/// One series found in a folder: what a user needs to pick it, and its files. Images without a SeriesInstanceUID
/// form one series whose UID is the empty string.
/// </summary>
public sealed record DicomSeriesInfo(
    string SeriesInstanceUid,
    string Modality,
    string? SeriesDescription,
    int? SeriesNumber,
    int ImageCount,
    int Rows,
    int Columns,
    IReadOnlyList<string> Files)
{
    /// <summary>PatientID of the series' first file (null when absent): batch output names use it.</summary>
    public string? PatientId { get; init; }

    /// <summary>StudyInstanceUID of the series' first file (null when absent).</summary>
    public string? StudyInstanceUid { get; init; }

    public override string ToString() =>
        $"{(SeriesInstanceUid.Length == 0 ? "(no SeriesInstanceUID)" : SeriesInstanceUid)} ({Modality}, {ImageCount} image(s) {Columns}×{Rows}{(SeriesNumber is { } n ? $", series {n}" : "")}{(string.IsNullOrEmpty(SeriesDescription) ? "" : $", \"{SeriesDescription}\"")})";
}

/// <summary>What a folder scan found: the image series, and the files passed over.</summary>
public sealed record DicomFolderScan(
    IReadOnlyList<DicomSeriesInfo> Series,
    int NonDicomFileCount,
    int NonImageDicomFileCount)
{
    /// <summary>DICOM files whose header could not be read (only when the scan was asked to go on past them).</summary>
    public IReadOnlyList<InvalidInputException> UnreadableFiles { get; init; } = [];
}
