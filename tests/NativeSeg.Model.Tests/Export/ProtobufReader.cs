using System.Buffers.Binary;
using System.Text;

namespace NativeSeg.Model.Tests.Export;

/// <summary>One decoded protobuf field: its number, wire type, and either a varint/fixed value or a byte payload.</summary>
internal sealed record ProtobufField(int Number, int WireType, ulong Scalar, byte[] Payload)
{
    public long Int64 => unchecked((long)Scalar);
    public float Float => BitConverter.Int32BitsToSingle(unchecked((int)Scalar));
    public string Text => Encoding.UTF8.GetString(Payload);
}

/// <summary>
/// A minimal protobuf decoder written for the export tests, independent of the exporter's writer: it splits a
/// message into its fields (varint, fixed64, length-delimited, fixed32) and rejects anything malformed.
/// </summary>
internal static class ProtobufReader
{
    public static List<ProtobufField> Parse(ReadOnlySpan<byte> message)
    {
        var fields = new List<ProtobufField>();
        int position = 0;
        while (position < message.Length)
        {
            ulong key = ReadVarint(message, ref position);
            int number = checked((int)(key >> 3)), wireType = (int)(key & 7);
            if (number < 1) throw new FormatException($"Field number {number} at byte {position}.");
            switch (wireType)
            {
                case 0:
                    fields.Add(new(number, wireType, ReadVarint(message, ref position), []));
                    break;
                case 1:
                    fields.Add(new(number, wireType, BinaryPrimitives.ReadUInt64LittleEndian(Take(message, ref position, 8)), []));
                    break;
                case 2:
                    int length = checked((int)ReadVarint(message, ref position));
                    fields.Add(new(number, wireType, 0, Take(message, ref position, length).ToArray()));
                    break;
                case 5:
                    fields.Add(new(number, wireType, BinaryPrimitives.ReadUInt32LittleEndian(Take(message, ref position, 4)), []));
                    break;
                default:
                    throw new FormatException($"Unsupported wire type {wireType} for field {number}.");
            }
        }
        return fields;
    }

    /// <summary>A repeated int64 field in either form: unpacked (one varint per key) or packed (one length-delimited run).</summary>
    public static List<long> Int64s(IEnumerable<ProtobufField> fields, int number)
    {
        var values = new List<long>();
        foreach (var field in fields.Where(f => f.Number == number))
        {
            if (field.WireType == 0)
            {
                values.Add(field.Int64);
                continue;
            }
            int position = 0;
            while (position < field.Payload.Length)
                values.Add(unchecked((long)ReadVarint(field.Payload, ref position)));
        }
        return values;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (position >= data.Length) throw new FormatException("Truncated varint.");
            byte b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new FormatException("Varint longer than ten bytes.");
    }

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> data, ref int position, int length)
    {
        if (length < 0 || position + length > data.Length)
            throw new FormatException($"Field of {length} bytes at {position} runs past the end ({data.Length}).");
        var slice = data.Slice(position, length);
        position += length;
        return slice;
    }
}
