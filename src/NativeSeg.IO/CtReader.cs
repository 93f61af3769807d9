using NativeSeg.IO.Dicom;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Nrrd;
using NativeSeg.IO.Volumes;

namespace NativeSeg.IO;

/// <summary>Reads a CT in Hounsfield units from whatever a user hands over: a NIfTI file, a NRRD file, a DICOM file or a DICOM folder.</summary>
public static class CtReader
{
    /// <summary>
    /// A folder is read as DICOM (the largest CT series, or <paramref name="seriesInstanceUid"/>); a file ending in
    /// .nii or .nii.gz as NIfTI, in .nrrd or .nhdr (or starting with NRRD's magic) as NRRD, an uncompressed NIfTI by its
    /// magic whatever its name; any other file as DICOM, except formats recognised by <see cref="InputFormat"/>, which
    /// are refused by name. Every failure is an <see cref="InvalidInputException"/> naming the path,
    /// including geometry outside <see cref="CtGeometryLimits"/> and voxels that are not finite (<see cref="CtIntensityLimits"/>).
    /// </summary>
    public static Volume<float> Read(string path, string? seriesInstanceUid = null)
    {
        var ct = ReadUnchecked(path, seriesInstanceUid);
        CtIntensityLimits.RequireFiniteVoxels(ct, path);
        return ct;
    }

    private static Volume<float> ReadUnchecked(string path, string? seriesInstanceUid)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path))
            return DicomSeriesReader.ReadVolume(path, seriesInstanceUid);
        if (!File.Exists(path))
            throw new InvalidInputException(path, "no such file or folder.");
        if (IsNifti(path))
            return NiftiReader.ReadFloat(path);
        var head = InputFormat.Head(path);
        if (NrrdReader.HasNrrdExtension(path) || InputFormat.IsNrrd(head))
            return NrrdReader.ReadFloat(path);
        if (InputFormat.IsNifti(head))
            return NiftiReader.ReadFloat(path);
        if (!DicomFile.LooksLikeDicom(path) && InputFormat.Unsupported(head) is { } format)
            throw new InvalidInputException(path, $"this is a {format}, not a CT NativeSeg reads; {InputFormat.Supported}.");
        return DicomSeriesReader.ReadVolume(path, seriesInstanceUid);
    }

    /// <summary>True for .nii and .nii.gz names (case-insensitive).</summary>
    public static bool IsNifti(string path) =>
        path.EndsWith(".nii", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase);
}
