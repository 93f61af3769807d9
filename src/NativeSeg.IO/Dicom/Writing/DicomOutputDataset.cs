using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace NativeSeg.IO.Dicom.Writing;

/// <summary>
/// A dataset being built for writing: elements kept in tag order, encoded when written, in explicit VR little endian
/// (PS3.5 7.1.2) or, where a value outgrows explicit VR's 16-bit lengths, implicit VR little endian (7.1.3); sequences
/// and items with defined lengths. Text values are padded to even length (UI with NUL, others with a space, PS3.5
/// 6.2); the caller passes values that fit their VR.
/// </summary>
internal sealed class DicomOutputDataset
{
    // VRs whose explicit encoding has 2 reserved bytes and a 32-bit length (PS3.5 7.1.2).
    private static readonly HashSet<string> LongVrs = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"];

    private sealed record Entry(DicomTag Tag, string Vr, byte[] Value, IReadOnlyList<DicomOutputDataset>? Items);

    private readonly SortedDictionary<uint, Entry> _entries = [];

    public bool Contains(DicomTag tag) => _entries.ContainsKey(tag.Value);

    /// <summary>True when some value (here or in a nested item) is too long for explicit VR's 16-bit length field.</summary>
    public bool NeedsImplicitVr => _entries.Values.Any(e =>
        e.Items is { } items ? items.Any(i => i.NeedsImplicitVr) : !LongVrs.Contains(e.Vr) && e.Value.Length > ushort.MaxValue - 1);

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
        _entries[tag.Value] = new Entry(tag, "SQ", [], [.. items]);
        return this;
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
        if (vr.Length != 2) throw new ArgumentException($"'{vr}' is not a VR.", nameof(vr));
        if ((value.Length & 1) == 1)
        {
            var padded = new byte[value.Length + 1];
            value.CopyTo(padded, 0);
            padded[^1] = vr is "UI" or "OB" ? (byte)0 : (byte)' ';
            value = padded;
        }
        _entries[tag.Value] = new Entry(tag, vr, value, null);
        return this;
    }

    /// <summary>Every element in tag order.</summary>
    public byte[] Encode(bool explicitVr = true)
    {
        using var stream = new MemoryStream();
        WriteTo(stream, explicitVr);
        return stream.ToArray();
    }

    public void WriteTo(Stream stream, bool explicitVr = true)
    {
        Span<byte> header = stackalloc byte[12];
        foreach (var entry in _entries.Values)
        {
            byte[] value = entry.Items is { } items ? EncodeItems(items, explicitVr) : entry.Value;
            BinaryPrimitives.WriteUInt16LittleEndian(header, entry.Tag.Group);
            BinaryPrimitives.WriteUInt16LittleEndian(header[2..], entry.Tag.Element);
            if (!explicitVr)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(header[4..], checked((uint)value.Length));
                stream.Write(header[..8]);
            }
            else if (LongVrs.Contains(entry.Vr))
            {
                header[4] = (byte)entry.Vr[0];
                header[5] = (byte)entry.Vr[1];
                header[6] = header[7] = 0;
                BinaryPrimitives.WriteUInt32LittleEndian(header[8..], checked((uint)value.Length));
                stream.Write(header);
            }
            else
            {
                if (value.Length > ushort.MaxValue - 1)
                    throw new InvalidOperationException($"{entry.Tag} {entry.Vr}: {value.Length} bytes do not fit explicit VR's 16-bit length; write implicit VR.");
                header[4] = (byte)entry.Vr[0];
                header[5] = (byte)entry.Vr[1];
                BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)value.Length);
                stream.Write(header[..8]);
            }
            stream.Write(value);
        }
    }

    private static byte[] EncodeItems(IReadOnlyList<DicomOutputDataset> items, bool explicitVr)
    {
        using var body = new MemoryStream();
        Span<byte> header = stackalloc byte[8];
        foreach (var item in items)
        {
            byte[] content = item.Encode(explicitVr);
            BinaryPrimitives.WriteUInt16LittleEndian(header, DicomTags.Item.Group);
            BinaryPrimitives.WriteUInt16LittleEndian(header[2..], DicomTags.Item.Element);
            BinaryPrimitives.WriteUInt32LittleEndian(header[4..], checked((uint)content.Length));
            body.Write(header);
            body.Write(content);
        }
        return body.ToArray();
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
