using NativeSeg.Imaging.Geometry;
using NativeSeg.IO;
using NativeSeg.IO.Dicom;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Cli.Segmentation;

/// <summary>
/// A CT to segment, in HU, with what identifies it: for a DICOM series also its source planes and header, which a
/// DICOM-SEG references and copies (null for NIfTI, which has no instances to reference).
/// </summary>
public sealed record CtInput(string Source, Volume<float> Ct, DicomSeriesSource? Dicom)
{
    public string? PatientId => Dicom?.Header.GetString(DicomTags.PatientId);

    public string? StudyInstanceUid => Dicom?.Header.GetString(DicomTags.StudyInstanceUid);

    public string? SeriesInstanceUid => Dicom?.SeriesInstanceUid;

    /// <summary>How the CT is brought to the network's axial order (any axis order, gantry tilt); oblique is refused.</summary>
    public InputGeometry Geometry => _geometry ??= InputGeometry.For(Ct.Grid, Source);

    private InputGeometry? _geometry;

    /// <summary>
    /// Reads a DICOM file or folder (the largest CT series, or <paramref name="series"/>), or any other file
    /// <see cref="CtReader.Read"/> takes (NIfTI, NRRD; other formats refused by name), with its checks and the CLI's
    /// words for a non-CT series.
    /// </summary>
    public static CtInput Read(string path, string? series, bool allowNonCt)
    {
        if (File.Exists(path) && !DicomFile.LooksLikeDicom(path))
            return new CtInput(path, CtReader.Read(path, series), null);
        return FromDicom(path, () => DicomSeriesReader.ReadSeries(path, series, allowNonCt));
    }

    /// <summary>Reads one series a folder scan found, from its own files.</summary>
    public static CtInput Read(DicomSeriesInfo series, string source, bool allowNonCt) =>
        FromDicom(source, () => DicomSeriesReader.ReadSeries(series, source, allowNonCt));

    private static CtInput FromDicom(string source, Func<DicomSeries> read)
    {
        try
        {
            var series = read();
            CtIntensityLimits.RequireFiniteVoxels(series.Volume, source);
            return new CtInput(source, series.Volume, series.Source);
        }
        catch (InvalidInputException e) when (e.Reason.Contains("not CT", StringComparison.Ordinal))
        {
            // The library names its own parameter (allowNonCt); a CLI user needs the option.
            string reason = e.Reason;
            int hint = reason.IndexOf("; pass allowNonCt", StringComparison.Ordinal);
            if (hint >= 0) reason = reason[..hint];
            throw new InvalidInputException(e.Path, reason.TrimEnd('.', ' ') + "; pass --allow-non-ct to segment it anyway.", e);
        }
    }
}
