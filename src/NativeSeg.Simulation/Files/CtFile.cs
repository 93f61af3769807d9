using NativeSeg.IO;
using NativeSeg.IO.Dicom;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Simulation.Files;

/// <summary>
/// Reads a CT from NIfTI or DICOM (a folder or one file) and writes simulated CTs as NIfTI. A CT read from an
/// int16 NIfTI is written back as int16 with the same scl_slope/scl_inter (HU rounded to the stored step), so the
/// output stays in the input's format family and size; float inputs are written as float32; DICOM inputs as int16
/// NIfTI with slope 1 and intercept 0 (writing a DICOM series is out of scope).
/// </summary>
public sealed class CtFile
{
    private CtFile(Volume<float> ct, NiftiHeader? header)
    {
        Ct = ct;
        Header = header;
    }

    public Volume<float> Ct { get; }

    /// <summary>The NIfTI header the CT came with; null for DICOM.</summary>
    public NiftiHeader? Header { get; }

    public static bool IsNifti(string path)
    {
        string lower = path.ToLowerInvariant();
        return lower.EndsWith(".nii", StringComparison.Ordinal) || lower.EndsWith(".nii.gz", StringComparison.Ordinal);
    }

    /// <summary>Reads a CT; NaN or infinite voxels are refused (<see cref="CtIntensityLimits"/>), as segment refuses them.</summary>
    public static CtFile Read(string path)
    {
        var file = ReadUnchecked(path);
        CtIntensityLimits.RequireFiniteVoxels(file.Ct, path);
        return file;
    }

    private static CtFile ReadUnchecked(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (IsNifti(path) && File.Exists(path))
            return new CtFile(NiftiReader.ReadFloat(path, out var header), header);
        if (Directory.Exists(path) || File.Exists(path))
            return new CtFile(DicomSeriesReader.ReadVolume(path), null);
        throw new InvalidInputException(path, "no such file or folder");
    }

    /// <summary>Writes <paramref name="ct"/> (on this file's grid family) to a .nii or .nii.gz path.</summary>
    public void WriteLike(string path, Volume<float> ct)
    {
        ArgumentNullException.ThrowIfNull(ct);
        if (!IsNifti(path))
            throw new ArgumentException($"Output CT '{path}' must end in .nii or .nii.gz: simulated CTs are written as NIfTI.", nameof(path));
        if (Header is { DataType: NiftiDataType.Float32 or NiftiDataType.Float64 })
        {
            NiftiWriter.Write(path, ct, Header);
            return;
        }
        double slope = Header?.EffectiveSlope ?? 1, inter = Header?.EffectiveInter ?? 0;
        WriteInt16(path, ct, slope, inter, Header);
    }

    /// <summary>HU → round((HU − inter) / slope), clamped to the int16 range.</summary>
    public static void WriteInt16(string path, Volume<float> ct, double slope = 1, double inter = 0, NiftiHeader? like = null)
    {
        var stored = new short[ct.Voxels.Length];
        for (int i = 0; i < stored.Length; i++)
            stored[i] = (short)Math.Clamp(Math.Round((ct.Voxels[i] - inter) / slope), short.MinValue, short.MaxValue);
        NiftiWriter.Write(path, new Volume<short>(ct.Grid, stored), slope, inter, like);
    }
}
