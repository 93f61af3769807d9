using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Nifti;

/// <summary>
/// The fields of a NIfTI-1 or NIfTI-2 header that NativeSeg uses, in one type for both versions
/// (NIfTI-2 stores the same fields as 64-bit integers and doubles).
/// </summary>
public sealed record NiftiHeader
{
    /// <summary>1 for NIfTI-1 (sizeof_hdr 348), 2 for NIfTI-2 (sizeof_hdr 540).</summary>
    public int Version { get; init; } = 1;

    /// <summary>True when the file's header and voxels are big-endian.</summary>
    public bool BigEndian { get; init; }

    /// <summary>dim[0..7]: dim[0] is the number of dimensions in use, dim[1..3] the grid sizes.</summary>
    public long[] Dim { get; init; } = [3, 1, 1, 1, 1, 1, 1, 1];

    public NiftiDataType DataType { get; init; }

    public int BitPix { get; init; }

    /// <summary>pixdim[0..7]: pixdim[0] is qfac (±1), pixdim[1..3] the voxel spacing.</summary>
    public double[] PixDim { get; init; } = [1, 1, 1, 1, 0, 0, 0, 0];

    /// <summary>Byte offset of the first voxel from the start of the (decompressed) file.</summary>
    public long VoxOffset { get; init; }

    /// <summary>Stored value × slope + inter = real value; a slope of 0 (or NaN) means no scaling.</summary>
    public double SclSlope { get; init; }

    public double SclInter { get; init; }

    public int QformCode { get; init; }

    public int SformCode { get; init; }

    public double QuaternB { get; init; }
    public double QuaternC { get; init; }
    public double QuaternD { get; init; }
    public double QOffsetX { get; init; }
    public double QOffsetY { get; init; }
    public double QOffsetZ { get; init; }

    /// <summary>The three sform rows (4 values each), RAS mm.</summary>
    public double[] SrowX { get; init; } = [1, 0, 0, 0];
    public double[] SrowY { get; init; } = [0, 1, 0, 0];
    public double[] SrowZ { get; init; } = [0, 0, 1, 0];

    /// <summary>Spatial unit in bits 0–2 (2 = mm), time unit in bits 3–5.</summary>
    public int XyztUnits { get; init; }

    public string Description { get; init; } = "";

    public int SizeX => (int)Dim[1];
    public int SizeY => (int)Dim[2];
    public int SizeZ => (int)Dim[3];

    /// <summary>True when the stored values must be scaled (slope finite and non-zero, and not the identity).</summary>
    public bool HasScaling => SclSlope != 0 && double.IsFinite(SclSlope) && (SclSlope != 1 || SclInter != 0);

    /// <summary>The slope actually applied (1 when the header says none).</summary>
    public double EffectiveSlope => HasScaling ? SclSlope : 1;

    /// <summary>The intercept actually applied (0 when the header says no scaling).</summary>
    public double EffectiveInter => HasScaling ? SclInter : 0;

    /// <summary>
    /// The affine the standard says to use: the sform when sform_code &gt; 0, else the quaternion qform when
    /// qform_code &gt; 0, else the plain pixdim diagonal with origin 0 (nifti1.h "method 1"; nibabel instead
    /// centres the grid in that case, which NIfTI does not ask for).
    /// </summary>
    public Affine BestAffine =>
        SformCode > 0 ? SformAffine : QformCode > 0 ? QformAffine : PixdimAffine;

    public Affine SformAffine => new(new double[,]
    {
        { SrowX[0], SrowX[1], SrowX[2], SrowX[3] },
        { SrowY[0], SrowY[1], SrowY[2], SrowY[3] },
        { SrowZ[0], SrowZ[1], SrowZ[2], SrowZ[3] },
    });

    public Affine QformAffine => NiftiQuaternion.ToAffine(
        QuaternB, QuaternC, QuaternD, QOffsetX, QOffsetY, QOffsetZ, PixDim[0], PixDim[1], PixDim[2], PixDim[3]);

    public Affine PixdimAffine => Affine.FromSpacing(PositiveOrOne(PixDim[1]), PositiveOrOne(PixDim[2]), PositiveOrOne(PixDim[3]));

    internal static double PositiveOrOne(double spacing) => spacing > 0 && double.IsFinite(spacing) ? spacing : 1;
}
