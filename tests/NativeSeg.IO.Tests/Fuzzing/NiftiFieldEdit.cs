using System.Buffers.Binary;

namespace NativeSeg.IO.Tests.Fuzzing;

/// <summary>
/// Sets one NIfTI-1 or NIfTI-2 header field (offsets of nifti1.h / nifti2.h) to a boundary or absurd value, in the
/// header's own byte order: sizes, datatype, pixdim, vox_offset, scaling, qform/sform codes, quaternion and sform.
/// </summary>
internal static class NiftiFieldEdit
{
    private enum Width { Int16, Int32, Int64, Single, Double }

    private static readonly (string Name, int Offset, Width Width)[] Nifti1 = Fields(
        ("dim", 40, Width.Int16, 8), ("datatype", 70, Width.Int16, 1), ("bitpix", 72, Width.Int16, 1), ("pixdim", 76, Width.Single, 8),
        ("vox_offset", 108, Width.Single, 1), ("scl_slope", 112, Width.Single, 1), ("scl_inter", 116, Width.Single, 1),
        ("qform_code", 252, Width.Int16, 1), ("sform_code", 254, Width.Int16, 1), ("quatern_b..qoffset_z", 256, Width.Single, 6),
        ("srow_x..srow_z", 280, Width.Single, 12));

    private static readonly (string Name, int Offset, Width Width)[] Nifti2 = Fields(
        ("datatype", 12, Width.Int16, 1), ("bitpix", 14, Width.Int16, 1), ("dim", 16, Width.Int64, 8), ("pixdim", 104, Width.Double, 8),
        ("vox_offset", 168, Width.Int64, 1), ("scl_slope", 176, Width.Double, 1), ("scl_inter", 184, Width.Double, 1),
        ("qform_code", 344, Width.Int32, 1), ("sform_code", 348, Width.Int32, 1), ("quatern_b..qoffset_z", 352, Width.Double, 6),
        ("srow_x..srow_z", 400, Width.Double, 12));

    private static readonly double[] Reals =
        [0, -0.0, -1, 1, 0.5, 0.7, 5, 20, 25, 50, 100, 1e5, 2e5, 1e-9, 0.01, 0.05, 1e30, 1e308, -1e30, double.NaN, double.PositiveInfinity, double.NegativeInfinity, float.Epsilon];

    private static readonly long[] Integers = [0, 1, -1, 2, 3, 4, 5, 7, 8, 16, 32, 64, 255, 256, 347, 348, 352, 540, 544, short.MaxValue, short.MinValue, int.MaxValue, long.MaxValue];

    /// <summary>Edits one field; the description names it and the value. Null when the bytes hold no NIfTI header.</summary>
    public static string? Apply(byte[] bytes, Random random)
    {
        if (bytes.Length < 4) return null;
        int little = BinaryPrimitives.ReadInt32LittleEndian(bytes), big = BinaryPrimitives.ReadInt32BigEndian(bytes);
        bool bigEndian = little is not (348 or 540);
        int size = bigEndian ? big : little;
        if (size is not (348 or 540) || bytes.Length < size) return null;
        var fields = size == 348 ? Nifti1 : Nifti2;
        var (name, offset, width) = fields[random.Next(fields.Length)];
        var at = bytes.AsSpan(offset);
        if (width is Width.Single or Width.Double)
        {
            double value = random.Next(4) == 0 ? Math.Pow(10, random.Next(-12, 40)) * (random.NextDouble() * 2 - 1) : Reals[random.Next(Reals.Length)];
            if (width == Width.Single)
            {
                if (bigEndian) BinaryPrimitives.WriteSingleBigEndian(at, (float)value); else BinaryPrimitives.WriteSingleLittleEndian(at, (float)value);
            }
            else if (bigEndian) BinaryPrimitives.WriteDoubleBigEndian(at, value); else BinaryPrimitives.WriteDoubleLittleEndian(at, value);
            return $"{name} = {value:G6}";
        }
        long integer = random.Next(4) == 0 ? random.NextInt64(long.MinValue, long.MaxValue) : Integers[random.Next(Integers.Length)];
        switch (width)
        {
            case Width.Int16:
                if (bigEndian) BinaryPrimitives.WriteInt16BigEndian(at, (short)integer); else BinaryPrimitives.WriteInt16LittleEndian(at, (short)integer);
                return $"{name} = {(short)integer}";
            case Width.Int32:
                if (bigEndian) BinaryPrimitives.WriteInt32BigEndian(at, (int)integer); else BinaryPrimitives.WriteInt32LittleEndian(at, (int)integer);
                return $"{name} = {(int)integer}";
            default:
                if (bigEndian) BinaryPrimitives.WriteInt64BigEndian(at, integer); else BinaryPrimitives.WriteInt64LittleEndian(at, integer);
                return $"{name} = {integer}";
        }
    }

    /// <summary>Expands (name, offset, width, count) into one entry per array element.</summary>
    private static (string, int, Width)[] Fields(params (string Name, int Offset, Width Width, int Count)[] groups) =>
        groups.SelectMany(g => Enumerable.Range(0, g.Count).Select(i =>
            (g.Count == 1 ? g.Name : $"{g.Name}[{i}]", g.Offset + i * Bytes(g.Width), g.Width))).ToArray();

    private static int Bytes(Width width) => width switch { Width.Int16 => 2, Width.Int32 or Width.Single => 4, _ => 8 };
}
