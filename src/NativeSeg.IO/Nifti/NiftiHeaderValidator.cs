using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Nifti;

/// <summary>
/// Rejects headers NativeSeg cannot or should not read, before any voxel memory is allocated:
/// unsupported types, more than three non-trivial dimensions, absurd sizes, offsets and geometry.
/// </summary>
internal static class NiftiHeaderValidator
{
    /// <summary>Deflate cannot expand data by more than about 1032:1; the slack covers gzip headers and tiny files.</summary>
    public const long MaxDeflateRatio = 1032;
    private const long DeflateSlackBytes = 64 * 1024;

    public static Grid Validate(NiftiHeader h, string path, long fileLength, bool compressed)
    {
        if (!NiftiDataTypes.IsSupported(h.DataType))
            throw new InvalidInputException(path, $"unsupported NIfTI datatype {(short)h.DataType}; NativeSeg reads uint8, int8, int16, uint16, int32, float32 and float64.");
        int bytesPerVoxel = NiftiDataTypes.BytesPerVoxel(h.DataType);
        if (h.BitPix != 8 * bytesPerVoxel)
            throw new InvalidInputException(path, $"bitpix {h.BitPix} does not match datatype {h.DataType} ({8 * bytesPerVoxel} bits).");

        long rank = h.Dim[0];
        if (rank < 1 || rank > 7)
            throw new InvalidInputException(path, $"dim[0] = {rank} is not a number of dimensions between 1 and 7 (corrupt header?).");
        var size = new long[8];
        for (int i = 1; i < 8; i++)
        {
            size[i] = i <= rank ? h.Dim[i] : 1;
            if (size[i] < 1)
                throw new InvalidInputException(path, $"dim[{i}] = {size[i]} is not a positive size.");
        }
        for (int i = 4; i < 8; i++)
            if (size[i] != 1)
                throw new InvalidInputException(path, $"a {rank}D image ({string.Join("×", size[1..(int)(rank + 1)])}); NativeSeg reads 3D volumes only (a 4th dimension of size 1 is allowed).");
        if (size[1] > int.MaxValue || size[2] > int.MaxValue || size[3] > int.MaxValue || size[1] * size[2] * size[3] > int.MaxValue)
            throw new InvalidInputException(path, $"grid {size[1]}×{size[2]}×{size[3]} is too large for one buffer.");
        long voxelBytes = size[1] * size[2] * size[3] * bytesPerVoxel;

        int headerSize = h.Version == 1 ? NiftiHeaderCodec.Nifti1Size : NiftiHeaderCodec.Nifti2Size;
        if (h.VoxOffset < headerSize)
            throw new InvalidInputException(path, $"vox_offset {h.VoxOffset} lies inside the {headerSize}-byte header.");
        long needed = h.VoxOffset + voxelBytes;
        if (!compressed && needed > fileLength)
            throw new InvalidInputException(path, $"truncated: the header promises {voxelBytes} bytes of voxels at offset {h.VoxOffset}, but the file has only {fileLength} bytes.");
        if (compressed && needed > fileLength * MaxDeflateRatio + DeflateSlackBytes)
            throw new InvalidInputException(path, $"the header promises {needed} bytes, more than a {fileLength}-byte gzip file can hold (corrupt header?).");

        for (int i = 1; i <= 3; i++)
            if (!double.IsFinite(h.PixDim[i]))
                throw new InvalidInputException(path, $"pixdim[{i}] = {h.PixDim[i]} is not a finite spacing.");
        if (h.HasScaling && !double.IsFinite(h.SclInter))
            throw new InvalidInputException(path, $"scl_inter = {h.SclInter} is not finite.");

        Affine affine = h.BestAffine;
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 4; c++)
                if (!double.IsFinite(affine[r, c]))
                    throw new InvalidInputException(path, $"the {AffineSource(h)} contains a non-finite value.");
        var probe = new Grid(1, 1, 1, affine);
        if (probe.VoxelVolume < 1e-12)
            throw new InvalidInputException(path, $"the {AffineSource(h)} is singular (zero voxel volume): {affine}.");

        return new Grid((int)size[1], (int)size[2], (int)size[3], affine);
    }

    private static string AffineSource(NiftiHeader h) =>
        h.SformCode > 0 ? "sform" : h.QformCode > 0 ? "qform" : "pixdim spacing";
}
