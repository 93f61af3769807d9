using System.Buffers.Binary;
using static NativeSeg.IO.Dicom.Codecs.Jpeg2000.Jpeg2000Markers;

namespace NativeSeg.IO.Dicom.Codecs.Jpeg2000;

/// <summary>
/// Reads the main header and the tile-parts of a JPEG 2000 Part 1 code stream (T.800 Annex A): SIZ, COD, COC,
/// QCD, QCC, RGN, POC, PPM, PPT used; TLM, PLM, PLT, CRG and COM skipped (the decoder finds packets without them).
/// Every length is checked against the data, every parameter against the standard's ranges and what a greyscale
/// medical frame can be (at most <see cref="MaxComponents"/> components of at most 16 bits).
/// </summary>
internal static class Jpeg2000CodestreamParser
{
    public const int MaxComponents = 4;
    public const int MaxPrecision = 16;

    public static Jpeg2000Codestream Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2 || data[0] != 0xFF || data[1] != Soc)
            throw new Jpeg2000FormatException("the data does not start with a JPEG 2000 SOC marker (FF4F)");
        int pos = 2;
        ImageGeometry? geometry = null;
        CodingStyle? coding = null;
        Quantization? quantization = null;
        ComponentCoding?[] componentCodings = [];
        Quantization?[] componentQuantizations = [];
        int[] regionShifts = [];
        var progressions = new List<ProgressionVolume>();
        var ppm = new SortedDictionary<int, byte[]>();

        // Main header.
        while (true)
        {
            int marker = ReadMarker(data, pos, out var range, out int next);
            var segment = data[range];
            if (geometry is null && marker != Siz) throw new Jpeg2000FormatException("the main header does not start with SIZ");
            if (marker == Sot) break;
            pos = next;
            switch (marker)
            {
                case Siz:
                    if (geometry is not null) throw new Jpeg2000FormatException("the main header has two SIZ markers");
                    geometry = ReadSiz(segment);
                    int n = geometry.Components.Length;
                    componentCodings = new ComponentCoding?[n];
                    componentQuantizations = new Quantization?[n];
                    regionShifts = new int[n];
                    break;
                case Cod:
                    coding = ReadCod(segment);
                    break;
                case Coc:
                {
                    var (component, value) = ReadCoc(segment, componentCodings.Length);
                    componentCodings[component] = value;
                    break;
                }
                case Qcd:
                    quantization = ReadQuantization(segment);
                    break;
                case Qcc:
                {
                    int component = ReadComponentIndex(segment, componentQuantizations.Length, out int size);
                    componentQuantizations[component] = ReadQuantization(segment[size..]);
                    break;
                }
                case Rgn:
                {
                    var (component, shift) = ReadRgn(segment, regionShifts.Length);
                    regionShifts[component] = shift;
                    break;
                }
                case Poc:
                    progressions.AddRange(ReadPoc(segment, geometry!.Components.Length));
                    break;
                case Ppm:
                    if (segment.Length < 1) throw new Jpeg2000FormatException("a PPM marker is empty");
                    if (!ppm.TryAdd(segment[0], segment[1..].ToArray())) throw new Jpeg2000FormatException($"two PPM markers have index {segment[0]}");
                    break;
                case Cap or Cpf:
                    throw new Jpeg2000FormatException("the code stream uses Part 2 or High-Throughput JPEG 2000 extensions (CAP/CPF marker), not Part 1");
                default:
                    break; // TLM, PLM, CRG, COM and unknown markers with a length: nothing the decoder needs
            }
        }
        if (coding is null) throw new Jpeg2000FormatException("the main header has no COD marker");
        if (quantization is null) throw new Jpeg2000FormatException("the main header has no QCD marker");

        // Bounded work: every tile needs at least one tile-part (SOT + SOD, 14 bytes).
        long tileCount = (long)geometry!.TilesAcross * geometry.TilesDown;
        if (tileCount > data.Length / 14 + 1)
            throw new Jpeg2000FormatException($"SIZ declares {tileCount} tiles but the code stream holds only {data.Length} bytes");
        var tiles = new TileParts[tileCount];
        int componentCount = geometry.Components.Length;
        var tilePartOrder = new List<TileParts>(); // for PPM: packet headers are shared out in tile-part order

        // Tile-parts.
        while (pos < data.Length)
        {
            int marker = ReadMarker(data, pos, out var range, out int next);
            var segment = data[range];
            if (marker == Eoc) break;
            if (marker != Sot) throw new Jpeg2000FormatException($"expected a tile-part (SOT) at byte {pos}, found marker FF{marker:X2}");
            if (segment.Length != 8) throw new Jpeg2000FormatException("an SOT marker does not have length 10");
            int tileIndex = BinaryPrimitives.ReadUInt16BigEndian(segment);
            long partLength = BinaryPrimitives.ReadUInt32BigEndian(segment[2..]);
            if (tileIndex >= tileCount) throw new Jpeg2000FormatException($"a tile-part names tile {tileIndex}; SIZ gives {tileCount} tiles");
            var tile = tiles[tileIndex] ??= new TileParts(componentCount);
            bool firstPart = tile.PartCount == 0;
            tile.PartCount++;
            tilePartOrder.Add(tile);
            int partStart = pos;
            long partEnd = partLength == 0 ? EndOfLastTilePart(data) : partStart + partLength;
            if (partEnd > data.Length || partEnd < next) throw new Jpeg2000FormatException($"tile-part of tile {tileIndex} claims {partLength} bytes past the end of the code stream (truncated)");
            pos = next;
            while (true)
            {
                marker = ReadMarker(data, pos, out range, out next);
                segment = data[range];
                if (next > partEnd) throw new Jpeg2000FormatException($"a marker runs past the end of its tile-part (tile {tileIndex})");
                pos = next;
                if (marker == Sod) break;
                ReadTilePartMarker(marker, segment, tile, firstPart, componentCount);
            }
            tile.Body.Append(data[pos..(int)partEnd]);
            pos = (int)partEnd;
        }

        for (int t = 0; t < tileCount; t++)
            if (tiles[t] is null) throw new Jpeg2000FormatException($"tile {t} of {tileCount} is missing (truncated stream)");
        foreach (var tile in tiles)
        {
            if (tile.PptSegments.Count > 0)
            {
                if (ppm.Count > 0) throw new Jpeg2000FormatException("the code stream has both PPM and PPT markers");
                tile.PackedHeaders = new ByteBuffer();
                foreach (var part in tile.PptSegments.Values) tile.PackedHeaders.Append(part);
            }
        }
        if (ppm.Count > 0) SharePackedHeaders(ppm, tilePartOrder);

        return new Jpeg2000Codestream
        {
            Geometry = geometry, Coding = coding, Quantization = quantization, ComponentCodings = componentCodings,
            ComponentQuantizations = componentQuantizations, RegionShifts = regionShifts, Progressions = progressions, Tiles = tiles,
        };
    }

    /// <summary>A tile-part with Psot = 0 runs to the EOC marker at the end of the data (or to the end).</summary>
    private static long EndOfLastTilePart(ReadOnlySpan<byte> data) =>
        data.Length >= 2 && data[^2] == 0xFF && data[^1] == Eoc ? data.Length - 2 : data.Length;

    /// <summary>The PPM data is a run of (Nppm, Nppm bytes of packet headers), one per tile-part in stream order.</summary>
    private static void SharePackedHeaders(SortedDictionary<int, byte[]> ppm, List<TileParts> tilePartOrder)
    {
        var all = new ByteBuffer();
        foreach (var part in ppm.Values) all.Append(part);
        var bytes = all.Array.AsSpan(0, all.Length);
        int at = 0;
        foreach (var tile in tilePartOrder)
        {
            if (at + 4 > bytes.Length) throw new Jpeg2000FormatException("the PPM packet headers end before the last tile-part");
            long n = BinaryPrimitives.ReadUInt32BigEndian(bytes[at..]);
            at += 4;
            if (n > bytes.Length - at) throw new Jpeg2000FormatException("a PPM packet-header run is longer than the PPM data");
            tile.PackedHeaders ??= new ByteBuffer();
            tile.PackedHeaders.Append(bytes.Slice(at, (int)n));
            at += (int)n;
        }
    }

    private static void ReadTilePartMarker(int marker, ReadOnlySpan<byte> segment, TileParts tile, bool firstPart, int componentCount)
    {
        switch (marker)
        {
            case Cod or Coc or Qcd or Qcc or Rgn when !firstPart:
                throw new Jpeg2000FormatException($"marker FF{marker:X2} appears in a tile-part other than the tile's first");
            case Cod:
                tile.Coding = ReadCod(segment);
                break;
            case Coc:
            {
                var (component, value) = ReadCoc(segment, componentCount);
                tile.ComponentCodings[component] = value;
                break;
            }
            case Qcd:
                tile.Quantization = ReadQuantization(segment);
                break;
            case Qcc:
            {
                int component = ReadComponentIndex(segment, componentCount, out int size);
                tile.ComponentQuantizations[component] = ReadQuantization(segment[size..]);
                break;
            }
            case Rgn:
            {
                var (component, shift) = ReadRgn(segment, componentCount);
                tile.RegionShifts[component] = shift;
                break;
            }
            case Poc:
                tile.Progressions.AddRange(ReadPoc(segment, componentCount));
                break;
            case Ppt:
                if (segment.Length < 1) throw new Jpeg2000FormatException("a PPT marker is empty");
                if (!tile.PptSegments.TryAdd(segment[0], segment[1..].ToArray())) throw new Jpeg2000FormatException($"two PPT markers of a tile have index {segment[0]}");
                break;
            case Siz or Soc or Sot or Eoc or Ppm:
                throw new Jpeg2000FormatException($"marker FF{marker:X2} is not allowed in a tile-part header");
            default:
                break; // PLT, COM: skipped
        }
    }

    /// <summary>The marker at <paramref name="pos"/>, its segment (after the length field) and where the next marker starts.</summary>
    private static int ReadMarker(ReadOnlySpan<byte> data, int pos, out Range segment, out int next)
    {
        if (pos + 2 > data.Length) throw new Jpeg2000FormatException("the code stream ends inside a header (truncated)");
        if (data[pos] != 0xFF) throw new Jpeg2000FormatException($"expected a marker at byte {pos}");
        int marker = data[pos + 1];
        if (marker is Sod or Eoc or Eph or Soc)
        {
            segment = new Range(pos + 2, pos + 2);
            next = pos + 2;
            return marker;
        }
        if (pos + 4 > data.Length) throw new Jpeg2000FormatException("the code stream ends inside a marker segment (truncated)");
        int length = BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 2)..]);
        if (length < 2 || pos + 2 + length > data.Length)
            throw new Jpeg2000FormatException($"marker FF{marker:X2} at byte {pos} claims {length} bytes past the end of the code stream");
        segment = new Range(pos + 4, pos + 2 + length);
        next = pos + 2 + length;
        return marker;
    }

    private static ImageGeometry ReadSiz(ReadOnlySpan<byte> s)
    {
        if (s.Length < 36) throw new Jpeg2000FormatException("the SIZ marker is too short");
        int capabilities = BinaryPrimitives.ReadUInt16BigEndian(s);
        if ((capabilities & 0x4000) != 0) throw new Jpeg2000FormatException("the code stream uses High-Throughput JPEG 2000 (Part 15), not Part 1");
        if ((capabilities & 0x8000) != 0) throw new Jpeg2000FormatException("the code stream uses Part 2 extensions, not Part 1");
        long width = U32(s, 2), height = U32(s, 6), offsetX = U32(s, 10), offsetY = U32(s, 14);
        long tileWidth = U32(s, 18), tileHeight = U32(s, 22), tileOffsetX = U32(s, 26), tileOffsetY = U32(s, 30);
        int count = BinaryPrimitives.ReadUInt16BigEndian(s[34..]);
        if (width > int.MaxValue || height > int.MaxValue) throw new Jpeg2000FormatException($"SIZ gives a reference grid of {width}×{height} (at most 2^31 − 1)");
        if (width <= offsetX || height <= offsetY) throw new Jpeg2000FormatException($"SIZ gives an empty image ({width}×{height} with offset {offsetX}, {offsetY})");
        if (tileWidth == 0 || tileHeight == 0 || tileOffsetX > offsetX || tileOffsetY > offsetY
            || tileOffsetX + tileWidth <= offsetX || tileOffsetY + tileHeight <= offsetY)
            throw new Jpeg2000FormatException("SIZ gives tiles that do not cover the image");
        if (count < 1 || count > MaxComponents)
            throw new Jpeg2000FormatException($"SIZ gives {count} components; a greyscale frame has 1 (at most {MaxComponents} are decoded)");
        if (s.Length < 36 + 3 * count) throw new Jpeg2000FormatException("the SIZ marker is shorter than its component list");
        var components = new ComponentInfo[count];
        for (int c = 0; c < count; c++)
        {
            int ssiz = s[36 + 3 * c], dx = s[37 + 3 * c], dy = s[38 + 3 * c];
            int precision = (ssiz & 0x7F) + 1;
            if (precision > MaxPrecision) throw new Jpeg2000FormatException($"component {c} has {precision}-bit samples (at most {MaxPrecision})");
            if (dx == 0 || dy == 0) throw new Jpeg2000FormatException($"component {c} has subsampling {dx}×{dy}");
            components[c] = new ComponentInfo(precision, (ssiz & 0x80) != 0, dx, dy);
        }
        return new ImageGeometry(width, height, offsetX, offsetY, tileWidth, tileHeight, tileOffsetX, tileOffsetY, components);
    }

    private static long U32(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt32BigEndian(s[at..]);

    private static CodingStyle ReadCod(ReadOnlySpan<byte> s)
    {
        if (s.Length < 5) throw new Jpeg2000FormatException("the COD marker is too short");
        int scod = s[0], order = s[1], layers = BinaryPrimitives.ReadUInt16BigEndian(s[2..]), transform = s[4];
        if (order > 4) throw new Jpeg2000FormatException($"COD gives progression order {order} (0–4)");
        if (layers == 0) throw new Jpeg2000FormatException("COD gives 0 quality layers");
        if (transform > 1) throw new Jpeg2000FormatException($"COD gives multiple component transform {transform} (Part 2)");
        var component = ReadComponentCoding(s[5..], (scod & 1) != 0);
        return new CodingStyle((scod & 2) != 0, (scod & 4) != 0, (ProgressionOrder)order, layers, transform == 1, component);
    }

    private static (int Component, ComponentCoding Coding) ReadCoc(ReadOnlySpan<byte> s, int componentCount)
    {
        int component = ReadComponentIndex(s, componentCount, out int size);
        if (s.Length < size + 1) throw new Jpeg2000FormatException("the COC marker is too short");
        return (component, ReadComponentCoding(s[(size + 1)..], (s[size] & 1) != 0));
    }

    private static ComponentCoding ReadComponentCoding(ReadOnlySpan<byte> s, bool precinctsGiven)
    {
        if (s.Length < 5) throw new Jpeg2000FormatException("a COD/COC marker is too short");
        int levels = s[0], xcb = s[1] + 2, ycb = s[2] + 2, style = s[3], wavelet = s[4];
        if (levels > 32) throw new Jpeg2000FormatException($"{levels} decomposition levels (at most 32)");
        if (xcb > 10 || ycb > 10 || xcb + ycb > 12)
            throw new Jpeg2000FormatException($"code-block size 2^{xcb}×2^{ycb} (each at most 2^10, together at most 4096 samples)");
        if ((style & (int)CodeBlockStyle.HighThroughput) != 0 || style > 0x7F)
            throw new Jpeg2000FormatException("the code-blocks use High-Throughput coding (Part 15), not Part 1");
        if (wavelet > 1) throw new Jpeg2000FormatException($"wavelet transform {wavelet} is neither 9/7 (0) nor 5/3 (1) (Part 2 kernels are not decoded)");
        var ppx = new byte[levels + 1];
        var ppy = new byte[levels + 1];
        if (precinctsGiven)
        {
            if (s.Length < 5 + levels + 1) throw new Jpeg2000FormatException("a COD/COC marker lists fewer precinct sizes than resolutions");
            for (int r = 0; r <= levels; r++)
            {
                ppx[r] = (byte)(s[5 + r] & 15);
                ppy[r] = (byte)(s[5 + r] >> 4);
                if (r > 0 && (ppx[r] == 0 || ppy[r] == 0))
                    throw new Jpeg2000FormatException($"precinct size 2^{ppx[r]}×2^{ppy[r]} at resolution {r} (only the lowest may be 1×1)");
            }
        }
        else
        {
            Array.Fill(ppx, (byte)15);
            Array.Fill(ppy, (byte)15);
        }
        return new ComponentCoding(levels, xcb, ycb, (CodeBlockStyle)style, wavelet == 1, ppx, ppy);
    }

    private static Quantization ReadQuantization(ReadOnlySpan<byte> s)
    {
        if (s.Length < 1) throw new Jpeg2000FormatException("a QCD/QCC marker is empty");
        int style = s[0] & 0x1F, guard = s[0] >> 5;
        var body = s[1..];
        switch (style)
        {
            case Quantization.None:
            {
                var exponents = new int[body.Length];
                for (int i = 0; i < body.Length; i++) exponents[i] = body[i] >> 3;
                return new Quantization(style, guard, exponents, new int[body.Length]);
            }
            case Quantization.ScalarDerived or Quantization.ScalarExpounded:
            {
                int n = body.Length / 2;
                if (n == 0 || (style == Quantization.ScalarDerived && n != 1))
                    throw new Jpeg2000FormatException("a QCD/QCC marker has the wrong number of step sizes");
                var exponents = new int[n];
                var mantissas = new int[n];
                for (int i = 0; i < n; i++)
                {
                    int v = BinaryPrimitives.ReadUInt16BigEndian(body[(2 * i)..]);
                    exponents[i] = v >> 11;
                    mantissas[i] = v & 0x7FF;
                }
                return new Quantization(style, guard, exponents, mantissas);
            }
            default:
                throw new Jpeg2000FormatException($"quantization style {style} is not 0, 1 or 2");
        }
    }

    private static int ReadComponentIndex(ReadOnlySpan<byte> s, int componentCount, out int size)
    {
        size = componentCount < 257 ? 1 : 2;
        if (s.Length < size) throw new Jpeg2000FormatException("a component marker is too short");
        int component = size == 1 ? s[0] : BinaryPrimitives.ReadUInt16BigEndian(s);
        if (component >= componentCount) throw new Jpeg2000FormatException($"a marker names component {component}; SIZ gives {componentCount}");
        return component;
    }

    private static (int Component, int Shift) ReadRgn(ReadOnlySpan<byte> s, int componentCount)
    {
        int component = ReadComponentIndex(s, componentCount, out int size);
        if (s.Length < size + 2) throw new Jpeg2000FormatException("the RGN marker is too short");
        if (s[size] != 0) throw new Jpeg2000FormatException($"RGN style {s[size]} is not the max-shift method (0)");
        int shift = s[size + 1];
        if (shift > 37) throw new Jpeg2000FormatException($"RGN shift {shift} (at most 37)");
        return (component, shift);
    }

    private static List<ProgressionVolume> ReadPoc(ReadOnlySpan<byte> s, int componentCount)
    {
        int size = componentCount < 257 ? 1 : 2, entry = 5 + 2 * size;
        if (s.Length < entry || s.Length % entry != 0) throw new Jpeg2000FormatException("the POC marker has a partial entry");
        var result = new List<ProgressionVolume>();
        for (int at = 0; at < s.Length; at += entry)
        {
            var e = s.Slice(at, entry);
            int rs = e[0];
            int cs = size == 1 ? e[1] : BinaryPrimitives.ReadUInt16BigEndian(e[1..]);
            int lye = BinaryPrimitives.ReadUInt16BigEndian(e[(1 + size)..]);
            int re = e[3 + size];
            int ce = size == 1 ? e[4 + size] : BinaryPrimitives.ReadUInt16BigEndian(e[(4 + size)..]);
            if (ce == 0) ce = size == 1 ? 256 : 16384;
            int order = e[4 + 2 * size];
            if (order > 4) throw new Jpeg2000FormatException($"POC gives progression order {order} (0–4)");
            result.Add(new ProgressionVolume(rs, cs, lye, re, Math.Min(ce, componentCount), (ProgressionOrder)order));
        }
        return result;
    }
}
