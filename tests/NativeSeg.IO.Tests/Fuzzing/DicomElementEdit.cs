using System.Buffers.Binary;
using System.Text;

namespace NativeSeg.IO.Tests.Fuzzing;

/// <summary>
/// Edits one attribute of a DICOM file in place, found by its tag bytes: the value (kept at its length, so the rest
/// of the file still parses and the edit reaches the checks) or the element's length field. Handles explicit and
/// implicit VR, little and big endian, for the short-length VRs these attributes have.
/// </summary>
internal static class DicomElementEdit
{
    private enum Kind { Decimal, UInt16, Code }

    private static readonly (ushort Group, ushort Element, Kind Kind)[] Targets =
    [
        (0x0008, 0x0060, Kind.Code),     // Modality
        (0x0018, 0x0050, Kind.Decimal),  // SliceThickness
        (0x0018, 0x0088, Kind.Decimal),  // SpacingBetweenSlices
        (0x0020, 0x0032, Kind.Decimal),  // ImagePositionPatient
        (0x0020, 0x0037, Kind.Decimal),  // ImageOrientationPatient
        (0x0028, 0x0002, Kind.UInt16),   // SamplesPerPixel
        (0x0028, 0x0004, Kind.Code),     // PhotometricInterpretation
        (0x0028, 0x0008, Kind.Decimal),  // NumberOfFrames
        (0x0028, 0x0010, Kind.UInt16),   // Rows
        (0x0028, 0x0011, Kind.UInt16),   // Columns
        (0x0028, 0x0030, Kind.Decimal),  // PixelSpacing
        (0x0028, 0x0100, Kind.UInt16),   // BitsAllocated
        (0x0028, 0x0101, Kind.UInt16),   // BitsStored
        (0x0028, 0x0102, Kind.UInt16),   // HighBit
        (0x0028, 0x0103, Kind.UInt16),   // PixelRepresentation
        (0x0028, 0x0120, Kind.UInt16),   // PixelPaddingValue
        (0x0028, 0x1052, Kind.Decimal),  // RescaleIntercept
        (0x0028, 0x1053, Kind.Decimal),  // RescaleSlope
    ];

    private static readonly string[] Decimals =
    [
        "0", "-0", "-1", "1", "0.7", "5", "1e30", "1e-9", "1e308", "-1e308", "1e5", "2e5", "0.01", "0.05", "20", "50", "51",
        "NaN", "Inf", "", "0\\0", "1\\1", "-1\\-1", "1\\0\\0\\0\\1\\0", "0\\0\\0\\0\\0\\0", "1\\0\\0\\1\\0\\0", "1e308\\0\\0",
        "\u001b[2J\u001b[31m", "1\n2", "abc",
    ];

    private static readonly ushort[] Words = [0, 1, 2, 3, 7, 8, 12, 15, 16, 17, 24, 32, 63, 64, 65, 127, 128, 255, 256, 511, 512, 513, 0x7FFF, 0x8000, 0xFFFF];

    private static readonly string[] Codes = ["RGB", "PALETTE COLOR", "YBR_FULL", "MONOCHROME1", "MONOCHROME2", "MR", "CT", "", "\u001b]0;x\u0007"];

    /// <summary>Edits one randomly chosen target attribute present in the file; null when none is found.</summary>
    public static string? Apply(byte[] bytes, Random random)
    {
        var present = new List<(int Offset, int ValueAt, int Length, bool BigEndian, bool Explicit, (ushort, ushort, Kind) Target)>();
        foreach (var target in Targets)
            if (Find(bytes, target.Group, target.Element) is { } found) present.Add((found.Offset, found.ValueAt, found.Length, found.BigEndian, found.Explicit, target));
        if (present.Count == 0) return null;
        var (offset, valueAt, length, bigEndian, isExplicit, (group, element, kind)) = present[random.Next(present.Count)];
        string tag = $"({group:X4},{element:X4})";

        if (random.Next(6) == 0)
        {
            // The element's length field instead of its value.
            int delta = random.Next(5) switch { 0 => -2, 1 => 2, 2 => -length, 3 => 0xFFFF - length, _ => random.Next(-8, 9) };
            int newLength = Math.Clamp(length + delta, 0, isExplicit ? 0xFFFF : int.MaxValue);
            WriteLength(bytes, offset, newLength, bigEndian, isExplicit);
            return $"{tag} length {length} → {newLength}";
        }

        var value = bytes.AsSpan(valueAt, length);
        switch (kind)
        {
            case Kind.UInt16 when length >= 2:
            {
                ushort word = random.Next(4) == 0 ? (ushort)random.Next(0x10000) : Words[random.Next(Words.Length)];
                if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(value, word); else BinaryPrimitives.WriteUInt16LittleEndian(value, word);
                return $"{tag} = {word}";
            }
            case Kind.Code:
            {
                string text = Codes[random.Next(Codes.Length)];
                WriteText(value, text);
                return $"{tag} = '{Escape(text)}'";
            }
            default:
            {
                string text = random.Next(5) == 0 ? RandomDecimal(random) : Decimals[random.Next(Decimals.Length)];
                WriteText(value, text);
                return $"{tag} = '{Escape(text)}' (in {length} bytes)";
            }
        }
    }

    private static string RandomDecimal(Random random) =>
        (Math.Pow(10, random.Next(-12, 40)) * (random.NextDouble() * 2 - 1)).ToString("G6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Writes the text into the value, cut or space-padded to its length (the length field stays right).</summary>
    private static void WriteText(Span<byte> value, string text)
    {
        value.Fill((byte)' ');
        var bytes = Encoding.Latin1.GetBytes(text);
        bytes.AsSpan(0, Math.Min(bytes.Length, value.Length)).CopyTo(value);
    }

    private static string Escape(string text) => string.Concat(text.Select(c => c < ' ' ? $"\\x{(int)c:X2}" : c.ToString()));

    private static (int Offset, int ValueAt, int Length, bool BigEndian, bool Explicit)? Find(byte[] bytes, ushort group, ushort element)
    {
        Span<byte> little = [(byte)group, (byte)(group >> 8), (byte)element, (byte)(element >> 8)];
        Span<byte> big = [(byte)(group >> 8), (byte)group, (byte)(element >> 8), (byte)element];
        foreach (bool bigEndian in (bool[])[false, true])
        {
            int at = bytes.AsSpan().IndexOf(bigEndian ? big : little);
            if (at < 0 || at + 8 > bytes.Length) continue;
            bool isExplicit = bytes[at + 4] is >= (byte)'A' and <= (byte)'Z' && bytes[at + 5] is >= (byte)'A' and <= (byte)'Z';
            int length = isExplicit
                ? (bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(at + 6)) : BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 6)))
                : (int)Math.Min(int.MaxValue, bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at + 4)) : BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 4)));
            if (length > 0 && length <= 1024 && at + 8 + length <= bytes.Length) return (at, at + 8, length, bigEndian, isExplicit);
        }
        return null;
    }

    private static void WriteLength(byte[] bytes, int offset, int length, bool bigEndian, bool isExplicit)
    {
        if (isExplicit)
        {
            if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(offset + 6), (ushort)length);
            else BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(offset + 6), (ushort)length);
        }
        else if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(offset + 4), (uint)length);
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset + 4), (uint)length);
    }
}
