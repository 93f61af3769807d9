using System.IO.Compression;
using System.Runtime.InteropServices;
using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Nifti;

/// <summary>
/// Writes little-endian single-file NIfTI-1: gzip-compressed when the path ends in <c>.gz</c>, plain otherwise.
/// Both the sform and the qform are set from the volume's affine (the sform exactly; the qform as its nearest
/// rotation with qfac and spacings), with the codes of the <c>like</c> header when given (so a mask keeps the
/// codes of the CT it was computed from) and otherwise code 1, "scanner anatomical", as dcm2niix writes for
/// DICOM-derived CT. xyzt_units = 2 (millimetres). The file appears atomically (see <see cref="AtomicFile"/>).
/// </summary>
public static class NiftiWriter
{
    public const int ScannerAnatomicalCode = 1;
    private const int MillimetreUnits = 2;
    private const int VoxOffset = NiftiHeaderCodec.Nifti1Size + 4;

    /// <summary>A label mask as uint8.</summary>
    public static void Write(string path, Volume<byte> mask, NiftiHeader? like = null) =>
        Write(path, mask.Grid, NiftiDataType.UInt8, 1, 0, like, mask.Voxels);

    /// <summary>A float volume (probabilities, or CT in HU) as float32 without scaling.</summary>
    public static void Write(string path, Volume<float> volume, NiftiHeader? like = null) =>
        Write(path, volume.Grid, NiftiDataType.Float32, 1, 0, like, volume.Voxels);

    /// <summary>An int16 volume with real value = stored × slope + inter (CT: slope 1, inter = RescaleIntercept).</summary>
    public static void Write(string path, Volume<short> volume, double slope = 1, double inter = 0, NiftiHeader? like = null)
    {
        if (!(slope != 0 && double.IsFinite(slope) && double.IsFinite(inter)))
            throw new ArgumentException($"scl_slope {slope} / scl_inter {inter} must be finite with a non-zero slope.");
        Write(path, volume.Grid, NiftiDataType.Int16, slope, inter, like, volume.Voxels);
    }

    /// <summary>The header NativeSeg writes for a grid (exposed so tests and tools can inspect it).</summary>
    public static NiftiHeader CreateHeader(Grid grid, NiftiDataType type, double slope = 1, double inter = 0, NiftiHeader? like = null)
    {
        var affine = grid.Affine;
        var q = NiftiQuaternion.FromAffine(affine);
        return new NiftiHeader
        {
            Version = 1,
            Dim = [3, grid.SizeX, grid.SizeY, grid.SizeZ, 1, 1, 1, 1],
            DataType = type,
            BitPix = 8 * NiftiDataTypes.BytesPerVoxel(type),
            PixDim = [q.Qfac, q.Dx, q.Dy, q.Dz, 0, 0, 0, 0],
            VoxOffset = VoxOffset,
            SclSlope = slope,
            SclInter = inter,
            XyztUnits = MillimetreUnits,
            Description = "NativeSeg",
            QformCode = like is { QformCode: > 0 } ? like.QformCode : ScannerAnatomicalCode,
            SformCode = like is { SformCode: > 0 } ? like.SformCode : ScannerAnatomicalCode,
            QuaternB = q.B,
            QuaternC = q.C,
            QuaternD = q.D,
            QOffsetX = affine[0, 3],
            QOffsetY = affine[1, 3],
            QOffsetZ = affine[2, 3],
            SrowX = [affine[0, 0], affine[0, 1], affine[0, 2], affine[0, 3]],
            SrowY = [affine[1, 0], affine[1, 1], affine[1, 2], affine[1, 3]],
            SrowZ = [affine[2, 0], affine[2, 1], affine[2, 2], affine[2, 3]],
        };
    }

    private static void Write<T>(string path, Grid grid, NiftiDataType type, double slope, double inter, NiftiHeader? like,
                                 T[] voxels) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("NiftiWriter writes little-endian files from a little-endian machine only.");
        if (grid.SizeX > short.MaxValue || grid.SizeY > short.MaxValue || grid.SizeZ > short.MaxValue)
            throw new ArgumentException($"Grid {grid.SizeX}×{grid.SizeY}×{grid.SizeZ} exceeds NIfTI-1's 32767 per dimension.");
        byte[] header = NiftiHeaderCodec.WriteNifti1(CreateHeader(grid, type, slope, inter, like));
        bool compress = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        AtomicFile.Write(path, file =>
        {
            if (!compress)
            {
                WriteContent(file, header, voxels);
                return;
            }
            // Fastest: CT probability maps barely compress, and masks compress well at any level.
            using var gzip = new GZipStream(file, CompressionLevel.Fastest, leaveOpen: true);
            WriteContent(gzip, header, voxels);
        });
    }

    private static void WriteContent<T>(Stream output, byte[] header, T[] voxels) where T : unmanaged
    {
        output.Write(header);
        output.Write(MemoryMarshal.AsBytes(voxels.AsSpan()));
    }
}
