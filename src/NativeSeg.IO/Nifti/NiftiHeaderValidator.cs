using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Nifti;

/// <summary>
/// Rejects headers NativeSeg cannot or should not read, before any voxel memory is allocated:
/// unsupported types, more than three non-trivial dimensions, absurd sizes and offsets, and scaling or geometry
/// outside <see cref="CtIntensityLimits"/> and <see cref="CtGeometryLimits"/>.
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

        // A slope of 0 or NaN means "no scaling" (nifti1.h); any other slope is applied and must be a CT's.
        if (h.HasScaling)
        {
            CtIntensityLimits.RequireSlope(h.SclSlope, path, "scl_slope");
            CtIntensityLimits.RequireIntercept(h.SclInter, path, "scl_inter");
        }

        CheckGeometryFields(h, path);
        Affine affine = h.BestAffine;
        var grid = new Grid((int)size[1], (int)size[2], (int)size[3], affine);
        CtGeometryLimits.RequirePlausible(grid, path);
        return grid;
    }

    /// <summary>
    /// Checks the header fields the chosen affine is built from, so a message names the field at fault: the sform
    /// rows, or the quaternion, qoffsets and pixdim of the qform, or pixdim alone when neither code is set (where
    /// a zero pixdim used to be taken silently as 1 mm).
    /// </summary>
    private static void CheckGeometryFields(NiftiHeader h, string path)
    {
        if (h.SformCode > 0)
        {
            double[][] rows = [h.SrowX, h.SrowY, h.SrowZ];
            string[] names = ["srow_x", "srow_y", "srow_z"];
            for (int r = 0; r < 3; r++)
                for (int c = 0; c < 4; c++)
                    if (!double.IsFinite(rows[r][c]))
                        throw new InvalidInputException(path, $"{names[r]}[{c}] = {rows[r][c]} is not finite (sform_code {h.SformCode})");
            for (int c = 0; c < 3; c++)
            {
                double spacing = Math.Sqrt(rows[0][c] * rows[0][c] + rows[1][c] * rows[1][c] + rows[2][c] * rows[2][c]);
                string field = $"the sform's column {c} (srow_x[{c}], srow_y[{c}], srow_z[{c}]) length";
                if (c < 2) CtGeometryLimits.RequireInPlaneSpacing(spacing, path, field);
                else CtGeometryLimits.RequireSliceSpacing(spacing, path, field);
            }
            for (int r = 0; r < 3; r++) CtGeometryLimits.RequirePosition(rows[r][3], path, $"{names[r]}[3]");
            return;
        }

        CheckPixdimSpacing(h, path);
        if (h.QformCode <= 0) return;
        double[] quaternion = [h.QuaternB, h.QuaternC, h.QuaternD];
        string[] quaternionNames = ["quatern_b", "quatern_c", "quatern_d"];
        for (int i = 0; i < 3; i++)
            if (!double.IsFinite(quaternion[i]) || Math.Abs(quaternion[i]) > 1 + 1e-6)
                throw new InvalidInputException(path, $"{quaternionNames[i]} = {CtGeometryLimits.Format(quaternion[i])} is not a component of a unit quaternion (qform_code {h.QformCode})");
        CtGeometryLimits.RequirePosition(h.QOffsetX, path, "qoffset_x");
        CtGeometryLimits.RequirePosition(h.QOffsetY, path, "qoffset_y");
        CtGeometryLimits.RequirePosition(h.QOffsetZ, path, "qoffset_z");
    }

    private static void CheckPixdimSpacing(NiftiHeader h, string path)
    {
        CtGeometryLimits.RequireInPlaneSpacing(h.PixDim[1], path, "pixdim[1]");
        CtGeometryLimits.RequireInPlaneSpacing(h.PixDim[2], path, "pixdim[2]");
        CtGeometryLimits.RequireSliceSpacing(h.PixDim[3], path, "pixdim[3]");
    }
}
