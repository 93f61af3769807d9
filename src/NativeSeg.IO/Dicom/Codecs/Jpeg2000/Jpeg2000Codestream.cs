namespace NativeSeg.IO.Dicom.Codecs.Jpeg2000;

/// <summary>
/// A parsed code stream: the main header's markers, and per tile the markers of its tile-part headers and its
/// tile-part bodies joined. Marker precedence (T.800 A.6): tile COC &gt; tile COD &gt; main COC &gt; main COD, and the
/// same for QCC/QCD; RGN per component, tile before main; a tile's POC replaces the main header's.
/// </summary>
internal sealed class Jpeg2000Codestream
{
    public required ImageGeometry Geometry { get; init; }
    public required CodingStyle Coding { get; init; }
    public required Quantization Quantization { get; init; }
    public required ComponentCoding?[] ComponentCodings { get; init; }
    public required Quantization?[] ComponentQuantizations { get; init; }
    public required int[] RegionShifts { get; init; }
    public required List<ProgressionVolume> Progressions { get; init; }
    public required TileParts[] Tiles { get; init; }

    public int ComponentCount => Geometry.Components.Length;

    public CodingStyle CodingOf(TileParts tile) => tile.Coding ?? Coding;

    public ComponentCoding ComponentCodingOf(TileParts tile, int component) =>
        tile.ComponentCodings[component] ?? tile.Coding?.Component ?? ComponentCodings[component] ?? Coding.Component;

    public Quantization QuantizationOf(TileParts tile, int component) =>
        tile.ComponentQuantizations[component] ?? tile.Quantization ?? ComponentQuantizations[component] ?? Quantization;

    public int RegionShiftOf(TileParts tile, int component) => tile.RegionShifts[component] ?? RegionShifts[component];

    public List<ProgressionVolume> ProgressionsOf(TileParts tile) => tile.Progressions.Count > 0 ? tile.Progressions : Progressions;
}

/// <summary>What the tile-parts of one tile carry: header markers that override the main header, the packed packet
/// headers (PPT, or this tile's share of PPM), and the joined tile-part bodies.</summary>
internal sealed class TileParts(int componentCount)
{
    public int PartCount;
    public CodingStyle? Coding;
    public Quantization? Quantization;
    public readonly ComponentCoding?[] ComponentCodings = new ComponentCoding?[componentCount];
    public readonly Quantization?[] ComponentQuantizations = new Quantization?[componentCount];
    public readonly int?[] RegionShifts = new int?[componentCount];
    public readonly List<ProgressionVolume> Progressions = [];
    public readonly ByteBuffer Body = new();
    /// <summary>Packet headers kept apart from the bodies (PPM or PPT), or null when they sit in the bodies.</summary>
    public ByteBuffer? PackedHeaders;
    public readonly SortedDictionary<int, byte[]> PptSegments = [];
}

/// <summary>A growable byte array: tile bodies and packed headers are joined from several tile-parts or markers.</summary>
internal sealed class ByteBuffer
{
    private byte[] _bytes = new byte[256];

    public int Length { get; private set; }

    public byte[] Array => _bytes;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (Length + bytes.Length > _bytes.Length)
            System.Array.Resize(ref _bytes, Math.Max(Length + bytes.Length, 2 * _bytes.Length));
        bytes.CopyTo(_bytes.AsSpan(Length));
        Length += bytes.Length;
    }
}
