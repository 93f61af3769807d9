namespace NativeSeg.IO.Dicom.Writing;

/// <summary>A written DICOM-SEG: its UIDs (to find it again in a PACS) and how many frames it holds.</summary>
public sealed record DicomSegmentationResult(string SeriesInstanceUid, string SopInstanceUid, int FrameCount, IReadOnlyList<int> SegmentNumbers);
