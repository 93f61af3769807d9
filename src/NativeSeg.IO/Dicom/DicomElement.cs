namespace NativeSeg.IO.Dicom;

/// <summary>
/// One data element as parsed: its tag, value representation, and either the raw value bytes (a view into the
/// file's buffer, never a copy), the items of a sequence, or the fragments of encapsulated pixel data.
/// </summary>
public sealed class DicomElement
{
    private IReadOnlyList<DicomDataset>? _items;
    private readonly Func<DicomElement, IReadOnlyList<DicomDataset>>? _parseItemsLater;

    internal DicomElement(DicomTag tag, string vr, ReadOnlyMemory<byte> value, bool isBigEndian,
        IReadOnlyList<DicomDataset>? items = null, EncapsulatedPixelData? fragments = null,
        Func<DicomElement, IReadOnlyList<DicomDataset>>? parseItemsLater = null)
    {
        Tag = tag;
        Vr = vr;
        Value = value;
        IsBigEndian = isBigEndian;
        _items = items;
        Fragments = fragments;
        _parseItemsLater = parseItemsLater;
    }

    public DicomTag Tag { get; }

    /// <summary>The VR from the file (explicit VR syntaxes) or from NativeSeg's small dictionary ("UN" when unknown).</summary>
    public string Vr { get; }

    /// <summary>Raw value bytes in the dataset's byte order; empty for sequences and encapsulated pixel data.</summary>
    public ReadOnlyMemory<byte> Value { get; }

    public bool IsBigEndian { get; }

    /// <summary>Encapsulated (compressed) pixel data: the offset table and fragments; null for native values.</summary>
    public EncapsulatedPixelData? Fragments { get; }

    /// <summary>
    /// The items of a sequence. In implicit VR files a defined-length sequence that NativeSeg's dictionary does not
    /// know arrives as raw bytes; asking for its items parses them then.
    /// </summary>
    public IReadOnlyList<DicomDataset> Items
    {
        get
        {
            if (_items is null)
                _items = _parseItemsLater is not null && !Value.IsEmpty ? _parseItemsLater(this) : [];
            return _items;
        }
    }

    public bool IsSequence => _items is not null || Vr == "SQ";

    public override string ToString() => $"{Tag} {Vr} {(Fragments is not null ? $"{Fragments.FragmentCount} fragments" : IsSequence ? $"{Items.Count} items" : $"{Value.Length} bytes")}";
}
