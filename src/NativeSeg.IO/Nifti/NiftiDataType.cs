namespace NativeSeg.IO.Nifti;

/// <summary>The NIfTI <c>datatype</c> codes NativeSeg reads (nifti1.h values; NIfTI-2 uses the same codes).</summary>
public enum NiftiDataType : short
{
    UInt8 = 2,
    Int16 = 4,
    Int32 = 8,
    Float32 = 16,
    Float64 = 64,
    Int8 = 256,
    UInt16 = 512,
}

internal static class NiftiDataTypes
{
    /// <summary>Bytes per voxel, or 0 for a code NativeSeg does not read (complex, RGB, 64-bit integers...).</summary>
    public static int BytesPerVoxel(NiftiDataType type) => type switch
    {
        NiftiDataType.UInt8 or NiftiDataType.Int8 => 1,
        NiftiDataType.Int16 or NiftiDataType.UInt16 => 2,
        NiftiDataType.Int32 or NiftiDataType.Float32 => 4,
        NiftiDataType.Float64 => 8,
        _ => 0,
    };

    public static bool IsSupported(NiftiDataType type) => BytesPerVoxel(type) != 0;
}
