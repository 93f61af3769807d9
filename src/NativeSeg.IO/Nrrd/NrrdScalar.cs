using System.Buffers.Binary;

namespace NativeSeg.IO.Nrrd;

/// <summary>A NRRD voxel type ("type" field) with every spelling the format allows, and its conversion to float.</summary>
public sealed record NrrdScalar(string Name, int Bytes, bool Signed, bool Floating)
{
    private static readonly (string[] Spellings, NrrdScalar Scalar)[] Types =
    [
        (["signed char", "int8", "int8_t"], new("int8", 1, true, false)),
        (["uchar", "unsigned char", "uint8", "uint8_t"], new("uint8", 1, false, false)),
        (["short", "short int", "signed short", "signed short int", "int16", "int16_t"], new("int16", 2, true, false)),
        (["ushort", "unsigned short", "unsigned short int", "uint16", "uint16_t"], new("uint16", 2, false, false)),
        (["int", "signed int", "int32", "int32_t"], new("int32", 4, true, false)),
        (["uint", "unsigned int", "uint32", "uint32_t"], new("uint32", 4, false, false)),
        (["float"], new("float32", 4, true, true)),
        (["double"], new("float64", 8, true, true)),
    ];

    public static NrrdScalar Parse(string type, string path)
    {
        string key = type.Trim().ToLowerInvariant();
        foreach (var (spellings, scalar) in Types)
            if (spellings.Contains(key)) return scalar;
        throw new InvalidInputException(path,
            $"the NRRD type \"{InputText.Printable(type)}\" is not a CT voxel type NativeSeg reads (8/16/32-bit integers, float, double)");
    }

    /// <summary>Converts raw voxels in the file's byte order to float.</summary>
    public void ToFloat(ReadOnlySpan<byte> raw, Span<float> destination, bool bigEndian)
    {
        int count = raw.Length / Bytes;
        switch (Name)
        {
            case "int8":
                for (int i = 0; i < count; i++) destination[i] = (sbyte)raw[i];
                break;
            case "uint8":
                for (int i = 0; i < count; i++) destination[i] = raw[i];
                break;
            case "int16":
                for (int i = 0; i < count; i++)
                    destination[i] = bigEndian ? BinaryPrimitives.ReadInt16BigEndian(raw[(2 * i)..]) : BinaryPrimitives.ReadInt16LittleEndian(raw[(2 * i)..]);
                break;
            case "uint16":
                for (int i = 0; i < count; i++)
                    destination[i] = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(raw[(2 * i)..]) : BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]);
                break;
            case "int32":
                for (int i = 0; i < count; i++)
                    destination[i] = bigEndian ? BinaryPrimitives.ReadInt32BigEndian(raw[(4 * i)..]) : BinaryPrimitives.ReadInt32LittleEndian(raw[(4 * i)..]);
                break;
            case "uint32":
                for (int i = 0; i < count; i++)
                    destination[i] = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(raw[(4 * i)..]) : BinaryPrimitives.ReadUInt32LittleEndian(raw[(4 * i)..]);
                break;
            case "float32":
                for (int i = 0; i < count; i++)
                    destination[i] = bigEndian ? BinaryPrimitives.ReadSingleBigEndian(raw[(4 * i)..]) : BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]);
                break;
            default:
                for (int i = 0; i < count; i++)
                    destination[i] = (float)(bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(raw[(8 * i)..]) : BinaryPrimitives.ReadDoubleLittleEndian(raw[(8 * i)..]));
                break;
        }
    }
}
