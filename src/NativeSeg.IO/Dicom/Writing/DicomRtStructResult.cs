namespace NativeSeg.IO.Dicom.Writing;

/// <summary>A written RT Structure Set: its UIDs, how many contours it holds, and whether it had to use implicit VR.</summary>
public sealed record DicomRtStructResult(string SeriesInstanceUid, string SopInstanceUid, int ContourCount, bool ImplicitVr);
