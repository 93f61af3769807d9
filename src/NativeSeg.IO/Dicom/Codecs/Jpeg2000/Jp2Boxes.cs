using System.Buffers.Binary;

namespace NativeSeg.IO.Dicom.Codecs.Jpeg2000;

/// <summary>
/// Some writers store a JP2 file (T.800 Annex I: signature box, file type box, header box, then the contiguous
/// code stream box 'jp2c') in a DICOM fragment instead of the bare code stream. This finds the code stream in it.
/// </summary>
internal static class Jp2Boxes
{
    private const uint Signature = 0x6A502020, CodestreamBox = 0x6A703263; // 'jP  ', 'jp2c'

    public static bool IsJp2(ReadOnlySpan<byte> data) =>
        data.Length >= 12 && BinaryPrimitives.ReadUInt32BigEndian(data) == 12 && BinaryPrimitives.ReadUInt32BigEndian(data[4..]) == Signature;

    /// <summary>The payload of the first 'jp2c' box.</summary>
    public static ReadOnlySpan<byte> Codestream(ReadOnlySpan<byte> data)
    {
        int pos = 0;
        while (pos + 8 <= data.Length)
        {
            long length = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
            uint type = BinaryPrimitives.ReadUInt32BigEndian(data[(pos + 4)..]);
            int header = 8;
            if (length == 1)
            {
                if (pos + 16 > data.Length) break;
                length = (long)BinaryPrimitives.ReadUInt64BigEndian(data[(pos + 8)..]);
                header = 16;
            }
            else if (length == 0)
            {
                length = data.Length - pos; // the last box runs to the end
            }
            if (length < header || length > data.Length - pos)
                throw new Jpeg2000FormatException($"a JP2 box at byte {pos} claims {length} bytes past the end of the data");
            if (type == CodestreamBox) return data.Slice(pos + header, (int)length - header);
            pos += (int)length;
        }
        throw new Jpeg2000FormatException("the JP2 file has no contiguous code stream box (jp2c)");
    }
}
