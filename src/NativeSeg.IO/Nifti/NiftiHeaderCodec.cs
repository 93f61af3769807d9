using System.Buffers.Binary;
using System.Text;

namespace NativeSeg.IO.Nifti;

/// <summary>
/// The byte layouts of the NIfTI-1 (348-byte) and NIfTI-2 (540-byte) headers: parsing in either byte order,
/// and writing a little-endian NIfTI-1 header. Offsets are those of nifti1.h and nifti2.h.
/// </summary>
internal static class NiftiHeaderCodec
{
    public const int Nifti1Size = 348;
    public const int Nifti2Size = 540;

    /// <summary>From the first four bytes: the header size (348 or 540) and the byte order, or null when neither.</summary>
    public static (int Size, bool BigEndian)? DetectSize(ReadOnlySpan<byte> first4)
    {
        int little = BinaryPrimitives.ReadInt32LittleEndian(first4);
        int big = BinaryPrimitives.ReadInt32BigEndian(first4);
        if (little == Nifti1Size || little == Nifti2Size) return (little, false);
        if (big == Nifti1Size || big == Nifti2Size) return (big, true);
        return null;
    }

    public static NiftiHeader Parse(ReadOnlySpan<byte> bytes, bool bigEndian, string path)
    {
        var r = new EndianReader(bytes, bigEndian);
        return bytes.Length == Nifti1Size ? ParseNifti1(r, bytes, path) : ParseNifti2(r, bytes, path);
    }

    private static NiftiHeader ParseNifti1(EndianReader r, ReadOnlySpan<byte> b, string path)
    {
        string magic = Ascii(b.Slice(344, 4));
        if (magic == "ni1")
            throw new InvalidInputException(path, "a NIfTI-1 header for a separate .img file (magic 'ni1'); only single-file .nii/.nii.gz is supported.");
        if (magic != "n+1")
            throw new InvalidInputException(path, $"not a NIfTI-1 file: magic is '{Printable(b.Slice(344, 4))}', expected 'n+1'.");
        var dim = new long[8];
        var pixdim = new double[8];
        for (int i = 0; i < 8; i++)
        {
            dim[i] = r.Int16(40 + 2 * i);
            pixdim[i] = r.Single(76 + 4 * i);
        }
        return new NiftiHeader
        {
            Version = 1,
            BigEndian = r.BigEndian,
            Dim = dim,
            DataType = (NiftiDataType)r.Int16(70),
            BitPix = r.Int16(72),
            PixDim = pixdim,
            VoxOffset = (long)Math.Floor(r.Single(108)), // stored as a float in NIfTI-1
            SclSlope = r.Single(112),
            SclInter = r.Single(116),
            XyztUnits = b[123],
            Description = Ascii(b.Slice(148, 80)),
            QformCode = r.Int16(252),
            SformCode = r.Int16(254),
            QuaternB = r.Single(256),
            QuaternC = r.Single(260),
            QuaternD = r.Single(264),
            QOffsetX = r.Single(268),
            QOffsetY = r.Single(272),
            QOffsetZ = r.Single(276),
            SrowX = [r.Single(280), r.Single(284), r.Single(288), r.Single(292)],
            SrowY = [r.Single(296), r.Single(300), r.Single(304), r.Single(308)],
            SrowZ = [r.Single(312), r.Single(316), r.Single(320), r.Single(324)],
        };
    }

    private static NiftiHeader ParseNifti2(EndianReader r, ReadOnlySpan<byte> b, string path)
    {
        string magic = Ascii(b.Slice(4, 4));
        if (magic == "ni2")
            throw new InvalidInputException(path, "a NIfTI-2 header for a separate .img file (magic 'ni2'); only single-file .nii/.nii.gz is supported.");
        if (magic != "n+2")
            throw new InvalidInputException(path, $"not a NIfTI-2 file: magic is '{Printable(b.Slice(4, 4))}', expected 'n+2'.");
        var dim = new long[8];
        var pixdim = new double[8];
        for (int i = 0; i < 8; i++)
        {
            dim[i] = r.Int64(16 + 8 * i);
            pixdim[i] = r.Double(104 + 8 * i);
        }
        return new NiftiHeader
        {
            Version = 2,
            BigEndian = r.BigEndian,
            Dim = dim,
            DataType = (NiftiDataType)r.Int16(12),
            BitPix = r.Int16(14),
            PixDim = pixdim,
            VoxOffset = r.Int64(168),
            SclSlope = r.Double(176),
            SclInter = r.Double(184),
            Description = Ascii(b.Slice(240, 80)),
            QformCode = r.Int32(344),
            SformCode = r.Int32(348),
            QuaternB = r.Double(352),
            QuaternC = r.Double(360),
            QuaternD = r.Double(368),
            QOffsetX = r.Double(376),
            QOffsetY = r.Double(384),
            QOffsetZ = r.Double(392),
            SrowX = [r.Double(400), r.Double(408), r.Double(416), r.Double(424)],
            SrowY = [r.Double(432), r.Double(440), r.Double(448), r.Double(456)],
            SrowZ = [r.Double(464), r.Double(472), r.Double(480), r.Double(488)],
            XyztUnits = r.Int32(500),
        };
    }

    /// <summary>A little-endian NIfTI-1 header (348 bytes) followed by the 4-byte "no extensions" flag.</summary>
    public static byte[] WriteNifti1(NiftiHeader h)
    {
        var b = new byte[Nifti1Size + 4];
        var s = b.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(s, Nifti1Size);
        b[38] = (byte)'r'; // "regular", as older readers expect
        for (int i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(s[(40 + 2 * i)..], checked((short)h.Dim[i]));
            BinaryPrimitives.WriteSingleLittleEndian(s[(76 + 4 * i)..], (float)h.PixDim[i]);
        }
        BinaryPrimitives.WriteInt16LittleEndian(s[70..], (short)h.DataType);
        BinaryPrimitives.WriteInt16LittleEndian(s[72..], (short)h.BitPix);
        BinaryPrimitives.WriteSingleLittleEndian(s[108..], h.VoxOffset);
        BinaryPrimitives.WriteSingleLittleEndian(s[112..], (float)h.SclSlope);
        BinaryPrimitives.WriteSingleLittleEndian(s[116..], (float)h.SclInter);
        b[123] = (byte)h.XyztUnits;
        var description = Encoding.ASCII.GetBytes(h.Description);
        description.AsSpan(0, Math.Min(79, description.Length)).CopyTo(s[148..]);
        BinaryPrimitives.WriteInt16LittleEndian(s[252..], (short)h.QformCode);
        BinaryPrimitives.WriteInt16LittleEndian(s[254..], (short)h.SformCode);
        double[] q = [h.QuaternB, h.QuaternC, h.QuaternD, h.QOffsetX, h.QOffsetY, h.QOffsetZ];
        for (int i = 0; i < 6; i++) BinaryPrimitives.WriteSingleLittleEndian(s[(256 + 4 * i)..], (float)q[i]);
        for (int i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(s[(280 + 4 * i)..], (float)h.SrowX[i]);
            BinaryPrimitives.WriteSingleLittleEndian(s[(296 + 4 * i)..], (float)h.SrowY[i]);
            BinaryPrimitives.WriteSingleLittleEndian(s[(312 + 4 * i)..], (float)h.SrowZ[i]);
        }
        "n+1\0"u8.CopyTo(s[344..]);
        return b;
    }

    private static string Ascii(ReadOnlySpan<byte> bytes)
    {
        int end = bytes.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? bytes : bytes[..end]);
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder();
        foreach (byte c in bytes) sb.Append(c is >= 32 and < 127 ? (char)c : '?');
        return sb.ToString();
    }

    private readonly ref struct EndianReader(ReadOnlySpan<byte> bytes, bool bigEndian)
    {
        private readonly ReadOnlySpan<byte> _b = bytes;
        public bool BigEndian { get; } = bigEndian;

        public short Int16(int at) => BigEndian ? BinaryPrimitives.ReadInt16BigEndian(_b[at..]) : BinaryPrimitives.ReadInt16LittleEndian(_b[at..]);
        public int Int32(int at) => BigEndian ? BinaryPrimitives.ReadInt32BigEndian(_b[at..]) : BinaryPrimitives.ReadInt32LittleEndian(_b[at..]);
        public long Int64(int at) => BigEndian ? BinaryPrimitives.ReadInt64BigEndian(_b[at..]) : BinaryPrimitives.ReadInt64LittleEndian(_b[at..]);
        public float Single(int at) => BigEndian ? BinaryPrimitives.ReadSingleBigEndian(_b[at..]) : BinaryPrimitives.ReadSingleLittleEndian(_b[at..]);
        public double Double(int at) => BigEndian ? BinaryPrimitives.ReadDoubleBigEndian(_b[at..]) : BinaryPrimitives.ReadDoubleLittleEndian(_b[at..]);
    }
}
