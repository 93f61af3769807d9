using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace NativeSeg.IO.Dicom.Writing;

/// <summary>
/// A dataset being built for writing: elements kept in tag order, each already encoded as explicit VR little endian
/// (PS3.5 7.1.2), sequences and items with defined lengths. Text values are padded to even length (UI with NUL,
/// others with a space, PS3.5 6.2); the caller passes values that fit their VR.
/// </summary>
internal sealed class DicomOutputDataset
{
    // VRs whose explicit encoding has 2 reserved bytes and a 32-bit length (PS3.5 7.1.2).
    private static readonly HashSet<string> LongVrs = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"];

    private readonly SortedDictionary<uint, byte[]> _encoded = [];

    public bool Contains(DicomTag tag) => _encoded.ContainsKey(tag.Value);

    /// <summary>A text attribute; several values are joined with backslashes. An empty value writes a zero-length element (type 2).</summary>
    public DicomOutputDataset Text(DicomTag tag, string vr, params string[] values)
    {
        string text = string.Join('\\', values);
        // ASCII by default; copied values keep their bytes through CopyRaw.
        return Raw(tag, vr, Encoding.Latin1.GetBytes(text));
    }

    /// <summary>Decimal strings (DS): each value in at most 16 characters (PS3.5 6.2).</summary>
    public DicomOutputDataset Decimals(DicomTag tag, params IReadOnlyList<double> values) =>
        Text(tag, "DS", [.. values.Select(FormatDecimal)]);

    /// <summary>An integer string (IS).</summary>
    public DicomOutputDataset Integer(DicomTag tag, long value) => Text(tag, "IS", value.ToString(CultureInfo.InvariantCulture));

    public DicomOutputDataset UInt16(DicomTag tag, params ushort[] values)
    {
        var bytes = new byte[2 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), values[i]);
        return Raw(tag, "US", bytes);
    }

    public DicomOutputDataset UInt32(DicomTag tag, params uint[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4 * i), values[i]);
        return Raw(tag, "UL", bytes);
    }

    /// <summary>Attribute tags (AT): group, then element, each 16-bit.</summary>
    public DicomOutputDataset Tags(DicomTag tag, params DicomTag[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4 * i), values[i].Group);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4 * i + 2), values[i].Element);
        }
        return Raw(tag, "AT", bytes);
    }

    /// <summary>A code sequence with one item (PS3.3 Table 8.8-1).</summary>
    public DicomOutputDataset Code(DicomTag sequence, DicomCode code) => Sequence(sequence, CodeItem(code));

    public static DicomOutputDataset CodeItem(DicomCode code) => new DicomOutputDataset()
        .Text(SegTags.CodeValue, "SH", code.Value)
        .Text(SegTags.CodingSchemeDesignator, "SH", code.Scheme)
        .Text(SegTags.CodeMeaning, "LO", code.Meaning);

    public DicomOutputDataset Sequence(DicomTag tag, params IEnumerable<DicomOutputDataset> items)
    {
        using var body = new MemoryStream();
        Span<byte> header = stackalloc byte[8];
        foreach (var item in items)
        {
            byte[] content = item.Encode();
            BinaryPrimitives.WriteUInt16LittleEndian(header, DicomTags.Item.Group);
            BinaryPrimitives.WriteUInt16LittleEndian(header[2..], DicomTags.Item.Element);
            BinaryPrimitives.WriteUInt32LittleEndian(header[4..], checked((uint)content.Length));
            body.Write(header);
            body.Write(content);
        }
        return Raw(tag, "SQ", body.ToArray());
    }

    /// <summary>
    /// Copies a text attribute from a source dataset byte for byte (so its character set is kept), written with
    /// <paramref name="vr"/> (implicit VR sources do not carry one). Absent in the source: written empty when
    /// <paramref name="emptyIfAbsent"/> (a type 2 attribute), else left out.
    /// </summary>
    public DicomOutputDataset CopyText(DicomDataset source, DicomTag tag, string vr, bool emptyIfAbsent)
    {
        var element = source.Find(tag);
        if (element is null || element.IsSequence || element.Fragments is not null)
            return emptyIfAbsent ? Raw(tag, vr, []) : this;
        var value = element.Value.Span;
        int length = value.Length;
        while (length > 0 && (value[length - 1] == 0 || value[length - 1] == (byte)' ')) length--;
        return Raw(tag, vr, value[..length].ToArray());
    }

    /// <summary>An element with its value bytes as given (padded to even length here).</summary>
    public DicomOutputDataset Raw(DicomTag tag, string vr, byte[] value)
    {
        if (tag.Group == 0xFFFE) throw new ArgumentException($"{tag} is an item tag, not an attribute.", nameof(tag));
        bool pad = (value.Length & 1) == 1;
        bool longForm = LongVrs.Contains(vr);
        if (!longForm && value.Length + (pad ? 1 : 0) > ushort.MaxValue)
            throw new ArgumentException($"{tag} {vr}: {value.Length} bytes do not fit a 16-bit length.", nameof(value));
        int valueLength = checked(value.Length + (pad ? 1 : 0));
        var bytes = new byte[(longForm ? 12 : 8) + valueLength];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(span, tag.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], tag.Element);
        span[4] = (byte)vr[0];
        span[5] = (byte)vr[1];
        if (longForm)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span[8..], (uint)valueLength);
            value.CopyTo(span[12..]);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span[6..], (ushort)valueLength);
            value.CopyTo(span[8..]);
        }
        if (pad) bytes[^1] = vr is "UI" or "OB" ? (byte)0 : (byte)' ';
        _encoded[tag.Value] = bytes;
        return this;
    }

    /// <summary>Every element in tag order.</summary>
    public byte[] Encode()
    {
        using var stream = new MemoryStream();
        WriteTo(stream);
        return stream.ToArray();
    }

    public void WriteTo(Stream stream)
    {
        foreach (var element in _encoded.Values) stream.Write(element);
    }

    /// <summary>
    /// A DS value in at most 16 characters: the shortest round-trip form when it fits (so a value read from a DS, itself
    /// at most 16 characters, is written back as it was), else the most significant digits that fit.
    /// </summary>
    public static string FormatDecimal(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "DS values must be finite.");
        string shortest = value.ToString(CultureInfo.InvariantCulture);
        if (shortest.Length <= 16) return shortest;
        for (int digits = 17; digits >= 1; digits--)
        {
            string text = value.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            if (text.Length <= 16) return text;
        }
        throw new ArgumentOutOfRangeException(nameof(value), value, "No 16-character DS form.");
    }
}
