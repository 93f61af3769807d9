using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace NativeSeg.Model.Export;

/// <summary>The protobuf wire types this writer emits (the low three bits of a field key).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}

/// <summary>
/// A minimal protobuf encoder: enough of the wire format for ONNX's messages. Every field is a key
/// (field number &lt;&lt; 3 | wire type, as a varint) followed by its value; a nested message is written into its own
/// writer first and then emitted as a length-delimited field, because the length prefix must precede the bytes.
/// Fields are emitted in the order they are written; protobuf readers accept any order.
/// </summary>
internal sealed class ProtobufWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    /// <summary>An int32 or int64 field (protobuf's int64: a negative value is its 64-bit two's complement, ten bytes).</summary>
    public void WriteInt64(int field, long value)
    {
        WriteKey(field, WireType.Varint);
        WriteVarint(unchecked((ulong)value));
    }

    /// <summary>A float field: four little-endian IEEE-754 bytes (wire type fixed32).</summary>
    public void WriteFloat(int field, float value)
    {
        WriteKey(field, WireType.Fixed32);
        BinaryPrimitives.WriteSingleLittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    /// <summary>A string field: UTF-8 bytes, length-delimited.</summary>
    public void WriteString(int field, string value) => WriteBytes(field, Encoding.UTF8.GetBytes(value));

    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteKey(field, WireType.LengthDelimited);
        WriteVarint((ulong)value.Length);
        Append(value);
    }

    /// <summary>A nested message written beforehand into its own writer.</summary>
    public void WriteMessage(int field, ProtobufWriter message) => WriteBytes(field, message.WrittenSpan);

    /// <summary>Repeated int64 values, one key per element (the unpacked form, which ONNX's proto2 schema declares).</summary>
    public void WriteRepeatedInt64(int field, ReadOnlySpan<long> values)
    {
        foreach (long value in values)
            WriteInt64(field, value);
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    private void WriteKey(int field, WireType type)
    {
        if (field < 1)
            throw new ArgumentOutOfRangeException(nameof(field), field, "Protobuf field numbers start at 1.");
        WriteVarint(((ulong)field << 3) | (ulong)type);
    }

    /// <summary>Base-128 varint: seven bits per byte, least significant group first, high bit set on all but the last.</summary>
    private void WriteVarint(ulong value)
    {
        var span = _buffer.GetSpan(10);
        int count = 0;
        while (value >= 0x80)
        {
            span[count++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[count++] = (byte)value;
        _buffer.Advance(count);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer.GetSpan(bytes.Length));
        _buffer.Advance(bytes.Length);
    }
}
