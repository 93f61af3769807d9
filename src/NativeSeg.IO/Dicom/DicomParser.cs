using System.Buffers.Binary;

namespace NativeSeg.IO.Dicom;

/// <summary>
/// Parses DICOM data elements (PS3.5 section 7) from a byte buffer. Every length is checked against the bytes that
/// remain before it is used, values are views into the buffer (no copies, so no allocation the file does not
/// justify), and nesting is capped, so a corrupt file ends in <see cref="InvalidInputException"/> and nothing else.
/// </summary>
internal sealed class DicomParser
{
    public const uint UndefinedLength = 0xFFFFFFFF;

    // Sequences nest a handful of levels in real files (enhanced CT: 3). The cap keeps recursion off the stack's edge.
    private const int MaxDepth = 32;

    // VRs whose explicit encoding has 2 reserved bytes and a 32-bit length (PS3.5 7.1.2).
    private static readonly HashSet<string> LongVrs = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"];

    // Known VRs by their two bytes (first byte high), so reading a VR allocates nothing.
    private static readonly Dictionary<ushort, string> KnownVrs = new[]
    {
        "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO", "LT", "OB", "OD", "OF", "OL", "OV", "OW", "PN",
        "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI", "UL", "UN", "UR", "US", "UT", "UV",
    }.ToDictionary(vr => (ushort)(vr[0] << 8 | vr[1]));

    private readonly string _path;
    private readonly ReadOnlyMemory<byte> _buffer;
    private readonly bool _explicitVr;
    private readonly bool _bigEndian;
    private readonly bool _bufferIsWholeFile;

    public DicomParser(string path, ReadOnlyMemory<byte> buffer, bool explicitVr, bool bigEndian, bool bufferIsWholeFile = true)
    {
        _path = path;
        _buffer = buffer;
        _explicitVr = explicitVr;
        _bigEndian = bigEndian;
        _bufferIsWholeFile = bufferIsWholeFile;
    }

    /// <summary>Thrown when only the head of a file was read and parsing needs more of it; the caller reads the whole file.</summary>
    internal sealed class NeedWholeFileException : Exception;

    public static bool IsKnownVr(ReadOnlySpan<byte> two) => KnownVr(two) is not null;

    private static string? KnownVr(ReadOnlySpan<byte> two) =>
        two.Length >= 2 && KnownVrs.TryGetValue((ushort)(two[0] << 8 | two[1]), out var vr) ? vr : null;

    /// <summary>
    /// Parses elements from <paramref name="start"/> until <paramref name="end"/>, or until the next tag's group differs
    /// from <paramref name="onlyGroup"/> (file meta header), or until top-level pixel data when <paramref name="stopAtPixelData"/>.
    /// Returns the dataset and the offset where parsing stopped.
    /// </summary>
    public (DicomDataset Dataset, int Next) ParseDataset(int start, int end, bool stopAtPixelData = false, ushort? onlyGroup = null) =>
        ParseElements(start, end, depth: 0, untilItemDelimiter: false, stopAtPixelData, onlyGroup);

    private (DicomDataset Dataset, int Next) ParseElements(int pos, int end, int depth, bool untilItemDelimiter, bool stopAtPixelData, ushort? onlyGroup)
    {
        var elements = new Dictionary<uint, DicomElement>();
        while (pos < end)
        {
            if (onlyGroup is { } group && (end - pos < 2 || ReadUInt16(pos, littleEndian: true) != group)) break;
            var header = ReadHeader(pos, end);
            var tag = header.Tag;
            if (tag == DicomTags.ItemDelimitationItem)
            {
                if (!untilItemDelimiter) Fail(pos, "an item delimiter outside an undefined-length item");
                return (new DicomDataset(_path, elements), pos + header.Size);
            }
            if (tag.Group == 0xFFFE)
                Fail(pos, $"item tag {tag} where a data element was expected");
            if (stopAtPixelData && depth == 0 && tag == DicomTags.PixelData)
                return (new DicomDataset(_path, elements), pos);

            int valueStart = pos + header.Size;
            DicomElement element;
            if (header.Length == UndefinedLength)
            {
                if (tag == DicomTags.PixelData && depth == 0)
                {
                    (var fragments, pos) = ParseFragments(valueStart, end);
                    element = new DicomElement(tag, header.Vr, ReadOnlyMemory<byte>.Empty, _bigEndian, fragments: fragments);
                }
                else if (header.Vr == "SQ" || !_explicitVr)
                {
                    (var items, pos) = ParseUndefinedLengthSequence(valueStart, end, depth + 1);
                    element = new DicomElement(tag, "SQ", ReadOnlyMemory<byte>.Empty, _bigEndian, items);
                }
                else if (header.Vr == "UN")
                {
                    // PS3.5 6.2.2: UN with undefined length is a sequence encoded in implicit VR little endian.
                    var implicitParser = new DicomParser(_path, _buffer, explicitVr: false, bigEndian: false, _bufferIsWholeFile);
                    (var items, pos) = implicitParser.ParseUndefinedLengthSequence(valueStart, end, depth + 1);
                    element = new DicomElement(tag, "SQ", ReadOnlyMemory<byte>.Empty, false, items);
                }
                else
                {
                    Fail(pos, $"element {tag} with VR {header.Vr} has an undefined length, which only sequences and pixel data may have");
                    return default;
                }
            }
            else
            {
                int length = CheckLength(pos, valueStart, header.Length, end, tag);
                var value = _buffer.Slice(valueStart, length);
                if (header.Vr == "SQ")
                {
                    var items = ParseDefinedLengthSequence(valueStart, valueStart + length, depth + 1);
                    element = new DicomElement(tag, "SQ", ReadOnlyMemory<byte>.Empty, _bigEndian, items);
                }
                else if (!_explicitVr || header.Vr == "UN")
                {
                    // Implicit VR: an unknown defined-length element may be a sequence; parse its items only if asked.
                    element = new DicomElement(tag, header.Vr, value, _bigEndian,
                        parseItemsLater: e => ParseLaterAsSequence(e, valueStart, length, depth + 1));
                }
                else
                {
                    element = new DicomElement(tag, header.Vr, value, _bigEndian);
                }
                pos = valueStart + length;
            }
            elements.TryAdd(tag.Value, element); // a repeated tag keeps its first value
        }

        if (!_bufferIsWholeFile && pos >= _buffer.Length)
            throw new NeedWholeFileException(); // the head ended before the pixel data: the dataset may go on
        if (untilItemDelimiter)
            Fail(pos, "an undefined-length item ends without its item delimiter");
        return (new DicomDataset(_path, elements), pos);
    }

    private IReadOnlyList<DicomDataset> ParseLaterAsSequence(DicomElement element, int start, int length, int depth)
    {
        // Little endian implicit VR items are the only ones whose VR can be unknown here ("UN" in explicit files
        // follows the implicit little endian rules too, PS3.5 6.2.2).
        // The value lies wholly inside the buffer, so running past it is corruption, never a reason to read more.
        var parser = element.Vr == "UN" && _explicitVr
            ? new DicomParser(_path, _buffer, explicitVr: false, bigEndian: false)
            : new DicomParser(_path, _buffer, _explicitVr, _bigEndian);
        return parser.ParseDefinedLengthSequence(start, start + length, depth);
    }

    private List<DicomDataset> ParseDefinedLengthSequence(int pos, int end, int depth)
    {
        CheckDepth(pos, depth);
        var items = new List<DicomDataset>();
        while (pos < end)
        {
            var header = ReadItemHeader(pos, end);
            if (header.Tag == DicomTags.SequenceDelimitationItem)
            {
                pos += 8; // tolerated: some writers end a defined-length sequence with a delimiter as well
                continue;
            }
            if (header.Tag != DicomTags.Item)
                Fail(pos, $"expected a sequence item, found {header.Tag}");
            pos = ParseItem(pos, header.Length, end, depth, items);
        }
        return items;
    }

    private (List<DicomDataset> Items, int Next) ParseUndefinedLengthSequence(int pos, int end, int depth)
    {
        CheckDepth(pos, depth);
        var items = new List<DicomDataset>();
        while (true)
        {
            var header = ReadItemHeader(pos, end);
            if (header.Tag == DicomTags.SequenceDelimitationItem)
                return (items, pos + 8);
            if (header.Tag != DicomTags.Item)
                Fail(pos, $"expected a sequence item or delimiter, found {header.Tag}");
            pos = ParseItem(pos, header.Length, end, depth, items);
        }
    }

    private int ParseItem(int pos, uint length, int end, int depth, List<DicomDataset> items)
    {
        int valueStart = pos + 8;
        if (length == UndefinedLength)
        {
            var (item, next) = ParseElements(valueStart, end, depth, untilItemDelimiter: true, stopAtPixelData: false, onlyGroup: null);
            items.Add(item);
            return next;
        }
        int itemLength = CheckLength(pos, valueStart, length, end, DicomTags.Item);
        var (defined, _) = ParseElements(valueStart, valueStart + itemLength, depth, untilItemDelimiter: false, stopAtPixelData: false, onlyGroup: null);
        items.Add(defined);
        return valueStart + itemLength;
    }

    private (EncapsulatedPixelData Fragments, int Next) ParseFragments(int pos, int end)
    {
        var fragments = new List<ReadOnlyMemory<byte>>();
        ReadOnlyMemory<byte>? offsetTable = null;
        while (true)
        {
            var header = ReadItemHeader(pos, end);
            if (header.Tag == DicomTags.SequenceDelimitationItem)
            {
                if (offsetTable is null) Fail(pos, "encapsulated pixel data lacks its basic offset table item");
                return (new EncapsulatedPixelData(offsetTable!.Value, fragments), pos + 8);
            }
            if (header.Tag != DicomTags.Item)
                Fail(pos, $"expected a pixel data fragment, found {header.Tag}");
            if (header.Length == UndefinedLength)
                Fail(pos, "a pixel data fragment has an undefined length");
            int length = CheckLength(pos, pos + 8, header.Length, end, DicomTags.Item);
            var bytes = _buffer.Slice(pos + 8, length);
            if (offsetTable is null) offsetTable = bytes;
            else fragments.Add(bytes);
            pos += 8 + length;
        }
    }

    private readonly record struct ElementHeader(DicomTag Tag, string Vr, uint Length, int Size);

    private ElementHeader ReadHeader(int pos, int end)
    {
        Require(pos, 8, end, "a data element header");
        var tag = ReadTag(pos);
        if (tag.Group == 0xFFFE)
            return new ElementHeader(tag, "", ReadUInt32(pos + 4), 8);
        if (!_explicitVr)
            return new ElementHeader(tag, DicomDictionary.ImplicitVr(tag), ReadUInt32(pos + 4), 8);

        var vrBytes = _buffer.Span.Slice(pos + 4, 2);
        string? vr = KnownVr(vrBytes);
        if (vr is null)
            Fail(pos, $"element {tag} has an invalid VR (bytes 0x{vrBytes[0]:X2} 0x{vrBytes[1]:X2})");
        if (LongVrs.Contains(vr!))
        {
            Require(pos, 12, end, $"the header of element {tag}");
            return new ElementHeader(tag, vr!, ReadUInt32(pos + 8), 12);
        }
        return new ElementHeader(tag, vr!, ReadUInt16(pos + 6, !_bigEndian), 8);
    }

    private (DicomTag Tag, uint Length) ReadItemHeader(int pos, int end)
    {
        Require(pos, 8, end, "a sequence item header");
        return (ReadTag(pos), ReadUInt32(pos + 4));
    }

    private DicomTag ReadTag(int pos)
    {
        // The file meta header (group 0002) is always little endian; DicomFile parses it with a little endian parser.
        return new DicomTag(ReadUInt16(pos, !_bigEndian), ReadUInt16(pos + 2, !_bigEndian));
    }

    private ReadOnlySpan<byte> Span => _buffer.Span;

    private ushort ReadUInt16(int pos, bool littleEndian) =>
        littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(Span.Slice(pos, 2)) : BinaryPrimitives.ReadUInt16BigEndian(Span.Slice(pos, 2));

    private uint ReadUInt32(int pos) =>
        !_bigEndian
            ? BinaryPrimitives.ReadUInt32LittleEndian(Span.Slice(pos, 4))
            : BinaryPrimitives.ReadUInt32BigEndian(Span.Slice(pos, 4));

    private int CheckLength(int elementStart, int valueStart, uint length, int end, DicomTag tag)
    {
        if (length > (uint)(end - valueStart))
        {
            if (!_bufferIsWholeFile && end == _buffer.Length) throw new NeedWholeFileException();
            Fail(elementStart, $"element {tag} claims {length} bytes but only {end - valueStart} remain");
        }
        return (int)length;
    }

    private void Require(int pos, int count, int end, string what)
    {
        if (end - pos >= count) return;
        if (!_bufferIsWholeFile && end == _buffer.Length) throw new NeedWholeFileException();
        Fail(pos, $"the file ends inside {what} ({end - pos} of {count} bytes left)");
    }

    private void CheckDepth(int pos, int depth)
    {
        if (depth > MaxDepth) Fail(pos, $"sequences nest deeper than {MaxDepth} levels");
    }

    private void Fail(int pos, string reason) =>
        throw new InvalidInputException(_path, $"corrupt DICOM at byte {pos}: {reason}");
}
