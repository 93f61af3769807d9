using NativeSeg.IO.Dicom;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Volumes;

namespace NativeSeg.IO;

/// <summary>Reads a CT in Hounsfield units from whatever a user hands over: a NIfTI file, a DICOM file or a DICOM folder.</summary>
public static class CtReader
{
    /// <summary>
    /// A folder is read as DICOM (the largest CT series, or <paramref name="seriesInstanceUid"/>); a file ending in
    /// .nii or .nii.gz as NIfTI; any other file as DICOM. Every failure is an <see cref="InvalidInputException"/> naming the path.
    /// </summary>
    public static Volume<float> Read(string path, string? seriesInstanceUid = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path))
            return DicomSeriesReader.ReadVolume(path, seriesInstanceUid);
        if (!File.Exists(path))
            throw new InvalidInputException(path, "no such file or folder.");
        if (IsNifti(path))
            return NiftiReader.ReadFloat(path);
        return DicomSeriesReader.ReadVolume(path, seriesInstanceUid);
    }

    /// <summary>True for .nii and .nii.gz names (case-insensitive).</summary>
    public static bool IsNifti(string path) =>
        path.EndsWith(".nii", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase);
}
