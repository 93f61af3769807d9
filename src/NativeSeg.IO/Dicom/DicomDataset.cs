using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace NativeSeg.IO.Dicom;

/// <summary>
/// The elements of one dataset (the file's top level or one sequence item) with typed accessors. Accessors read
/// the value the way the caller asks (string, decimal string, binary integer) so they work for implicit VR files,
/// whose VRs are not in the file. A malformed value raises <see cref="InvalidInputException"/> naming the file.
/// </summary>
public sealed class DicomDataset
{
    private readonly Dictionary<uint, DicomElement> _elements;

    internal DicomDataset(string path, Dictionary<uint, DicomElement> elements)
    {
        Path = path;
        _elements = elements;
    }

    /// <summary>The file this dataset came from, for error messages.</summary>
    public string Path { get; }

    public int Count => _elements.Count;

    public IEnumerable<DicomElement> Elements => _elements.Values.OrderBy(e => e.Tag.Value);

    public bool Contains(DicomTag tag) => _elements.ContainsKey(tag.Value);

    public DicomElement? Find(DicomTag tag) => _elements.GetValueOrDefault(tag.Value);

    public DicomElement Get(DicomTag tag) =>
        Find(tag) ?? throw new InvalidInputException(Path, $"required attribute {tag} is missing");

    /// <summary>A text value with trailing spaces and NULs removed (multi-valued text is returned whole); null when absent.</summary>
    public string? GetString(DicomTag tag)
    {
        var element = Find(tag);
        if (element is null) return null;
        // DICOM's default character repertoire is ASCII; Latin-1 maps every byte, so odd bytes never throw.
        return Encoding.Latin1.GetString(element.Value.Span).TrimEnd(' ', '\0').TrimStart(' ');
    }

    /// <summary>The values of a multi-valued text attribute, split at backslashes and trimmed; empty when absent.</summary>
    public string[] GetStrings(DicomTag tag)
    {
        var text = GetString(tag);
        if (string.IsNullOrEmpty(text)) return [];
        var parts = text.Split('\\');
        for (int i = 0; i < parts.Length; i++) parts[i] = parts[i].Trim(' ', '\0');
        return parts;
    }

    /// <summary>The values of a decimal string (DS) or integer string (IS) attribute; empty when absent.</summary>
    public double[] GetDecimals(DicomTag tag)
    {
        var parts = GetStrings(tag);
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
                throw new InvalidInputException(Path, $"attribute {tag} holds '{InputText.Printable(parts[i])}', which is not a number");
        return values;
    }

    /// <summary>The first value of a DS or IS attribute, or <paramref name="fallback"/> when absent or empty.</summary>
    public double GetDecimal(DicomTag tag, double fallback)
    {
        var values = GetDecimals(tag);
        return values.Length > 0 ? values[0] : fallback;
    }

    /// <summary>An unsigned 16-bit binary value (US), or null when absent.</summary>
    public ushort? GetUInt16(DicomTag tag)
    {
        var element = Find(tag);
        if (element is null || element.Value.IsEmpty) return null;
        if (element.Value.Length < 2)
            throw new InvalidInputException(Path, $"attribute {tag} has {element.Value.Length} bytes, too short for a 16-bit value");
        var span = element.Value.Span;
        return element.IsBigEndian ? BinaryPrimitives.ReadUInt16BigEndian(span) : BinaryPrimitives.ReadUInt16LittleEndian(span);
    }

    /// <summary>A required US attribute.</summary>
    public ushort GetRequiredUInt16(DicomTag tag) =>
        GetUInt16(tag) ?? throw new InvalidInputException(Path, $"required attribute {tag} is missing or empty");

    /// <summary>The items of a sequence; empty when absent.</summary>
    public IReadOnlyList<DicomDataset> GetSequence(DicomTag tag) => Find(tag)?.Items ?? [];
}
