namespace NativeSeg.IO.Dicom.Codecs.Jpeg2000;

/// <summary>
/// The geometry of one tile-component (T.800 B.2–B.7): its resolutions, their sub-bands and precincts, and the
/// code-blocks each precinct holds in each sub-band, with the state the packet headers build up for each block.
/// Coordinates are on the component's grid (resolution, sub-band), as the standard defines them.
/// </summary>
internal sealed class TileComponent
{
    public required int X0, Y0, X1, Y1;
    public required ComponentInfo Info;
    public required ComponentCoding Coding;
    public required int RegionShift;
    public required Resolution[] Resolutions;

    public int Width => X1 - X0;

    public int Height => Y1 - Y0;

    /// <summary>Lays out a tile-component (precincts are added by <see cref="CreatePrecincts"/> once the packet count is known to be plausible).</summary>
    public static TileComponent Create(int x0, int y0, int x1, int y1, ComponentInfo info, ComponentCoding coding, Quantization quantization, int regionShift)
    {
        int levels = coding.Levels;
        var resolutions = new Resolution[levels + 1];
        for (int r = 0; r <= levels; r++)
        {
            int level = levels - r;
            var resolution = new Resolution
            {
                Index = r,
                X0 = CeilShift(x0, level), Y0 = CeilShift(y0, level), X1 = CeilShift(x1, level), Y1 = CeilShift(y1, level),
                PrecinctWidthExponent = coding.PrecinctWidthExponents[r],
                PrecinctHeightExponent = coding.PrecinctHeightExponents[r],
            };
            if (resolution.X1 > resolution.X0 && resolution.Y1 > resolution.Y0)
            {
                resolution.PrecinctsWide = (int)(CeilShift(resolution.X1, resolution.PrecinctWidthExponent) - (resolution.X0 >> resolution.PrecinctWidthExponent));
                resolution.PrecinctsHigh = (int)(CeilShift(resolution.Y1, resolution.PrecinctHeightExponent) - (resolution.Y0 >> resolution.PrecinctHeightExponent));
            }
            resolution.Bands = r == 0
                ? [CreateBand(SubbandOrientation.LL, 0, levels, x0, y0, x1, y1, coding, quantization, info, resolution, null)]
                : [
                    CreateBand(SubbandOrientation.HL, r, level + 1, x0, y0, x1, y1, coding, quantization, info, resolution, resolutions[r - 1]),
                    CreateBand(SubbandOrientation.LH, r, level + 1, x0, y0, x1, y1, coding, quantization, info, resolution, resolutions[r - 1]),
                    CreateBand(SubbandOrientation.HH, r, level + 1, x0, y0, x1, y1, coding, quantization, info, resolution, resolutions[r - 1]),
                ];
            resolutions[r] = resolution;
        }
        return new TileComponent
        {
            X0 = x0, Y0 = y0, X1 = x1, Y1 = y1, Info = info, Coding = coding, RegionShift = regionShift, Resolutions = resolutions,
        };
    }

    /// <summary>The number of packets of this tile-component for one layer (its precincts over all resolutions).</summary>
    public long PrecinctCount
    {
        get
        {
            long total = 0;
            foreach (var r in Resolutions) total += (long)r.PrecinctsWide * r.PrecinctsHigh;
            return total;
        }
    }

    private static Subband CreateBand(SubbandOrientation orientation, int r, int decompositions, int tx0, int ty0, int tx1, int ty1,
        ComponentCoding coding, Quantization quantization, ComponentInfo info, Resolution resolution, Resolution? lower)
    {
        int xo = orientation is SubbandOrientation.HL or SubbandOrientation.HH ? 1 : 0;
        int yo = orientation is SubbandOrientation.LH or SubbandOrientation.HH ? 1 : 0;
        // T.800 (B-15): tbx0 = ⌈(tcx0 − 2^(nb−1)·xo_b) / 2^nb⌉.
        long offsetX = decompositions == 0 ? 0 : (long)xo << (decompositions - 1);
        long offsetY = decompositions == 0 ? 0 : (long)yo << (decompositions - 1);
        int index = r == 0 ? 0 : 1 + 3 * (r - 1) + (int)orientation - 1;
        var (exponent, mantissa) = quantization.Step(index, r == 0 ? 0 : r - 1);
        int gain = orientation switch { SubbandOrientation.LL => 0, SubbandOrientation.HH => 2, _ => 1 };
        int widthExponent = r == 0 ? Math.Min(coding.CodeBlockWidthExponent, resolution.PrecinctWidthExponent)
            : Math.Min(coding.CodeBlockWidthExponent, resolution.PrecinctWidthExponent - 1);
        int heightExponent = r == 0 ? Math.Min(coding.CodeBlockHeightExponent, resolution.PrecinctHeightExponent)
            : Math.Min(coding.CodeBlockHeightExponent, resolution.PrecinctHeightExponent - 1);
        return new Subband
        {
            Orientation = orientation,
            X0 = CeilShift(tx0 - offsetX, decompositions), Y0 = CeilShift(ty0 - offsetY, decompositions),
            X1 = CeilShift(tx1 - offsetX, decompositions), Y1 = CeilShift(ty1 - offsetY, decompositions),
            BufferX = xo == 1 ? lower!.X1 - lower.X0 : 0,
            BufferY = yo == 1 ? lower!.Y1 - lower.Y0 : 0,
            MagnitudeBits = quantization.GuardBits + exponent - 1,
            // T.800 E.1.1.1: Δb = 2^(Rb − εb) (1 + μb / 2^11), Rb = precision + log2 of the band's gain. For the 9/7
            // wavelet the gain is left out here and applied in the high-pass scaling instead (InverseWavelet97).
            StepSize = (float)((1 + mantissa / 2048.0) * Math.Pow(2, info.Precision + (coding.Reversible ? gain : 0) - exponent)),
            CodeBlockWidthExponent = widthExponent,
            CodeBlockHeightExponent = heightExponent,
        };
    }

    /// <summary>Creates every precinct with its code-blocks and tag trees.</summary>
    public void CreatePrecincts()
    {
        foreach (var resolution in Resolutions)
        {
            int count = resolution.PrecinctsWide * resolution.PrecinctsHigh;
            resolution.Precincts = new Precinct[count];
            resolution.NextLayer = new int[count];
            int px = resolution.PrecinctWidthExponent, py = resolution.PrecinctHeightExponent;
            long firstX = resolution.X0 >> px, firstY = resolution.Y0 >> py;
            bool lowest = resolution.Index == 0;
            for (int k = 0; k < count; k++)
            {
                long rx0 = (firstX + k % resolution.PrecinctsWide) << px, ry0 = (firstY + k / resolution.PrecinctsWide) << py;
                long rx1 = rx0 + (1L << px), ry1 = ry0 + (1L << py);
                var bands = new PrecinctBand[resolution.Bands.Length];
                for (int b = 0; b < bands.Length; b++)
                {
                    var band = resolution.Bands[b];
                    // A precinct of the resolution covers half its size in each sub-band above the lowest resolution.
                    long bx0 = Math.Max(lowest ? rx0 : rx0 >> 1, band.X0), bx1 = Math.Min(lowest ? rx1 : rx1 >> 1, band.X1);
                    long by0 = Math.Max(lowest ? ry0 : ry0 >> 1, band.Y0), by1 = Math.Min(lowest ? ry1 : ry1 >> 1, band.Y1);
                    bands[b] = PrecinctBand.Create(band, (int)bx0, (int)by0, (int)bx1, (int)by1);
                }
                resolution.Precincts[k] = new Precinct { Bands = bands };
            }
        }
    }

    /// <summary>⌈a / b⌉ for a ≥ 0, b ≥ 1.</summary>
    public static int CeilShiftDiv(long a, int b) => (int)((a + b - 1) / b);

    /// <summary>⌈a / 2^n⌉ for any sign of a.</summary>
    public static int CeilShift(long a, int n) => (int)-((-a) >> n);
}

internal sealed class Resolution
{
    public int Index;
    public int X0, Y0, X1, Y1;
    public int PrecinctWidthExponent, PrecinctHeightExponent;
    public int PrecinctsWide, PrecinctsHigh;
    public Subband[] Bands = [];
    public Precinct[] Precincts = [];
    /// <summary>Per precinct, the layer of its next packet: a packet already read is never read again.</summary>
    public int[] NextLayer = [];

    public int Width => X1 - X0;

    public int Height => Y1 - Y0;
}

internal sealed class Subband
{
    public SubbandOrientation Orientation;
    public int X0, Y0, X1, Y1;
    /// <summary>Where the band's first coefficient goes in the tile-component's coefficient buffer (Mallat layout).</summary>
    public int BufferX, BufferY;
    /// <summary>Mb = guard bits + εb − 1 (T.800 E.1).</summary>
    public int MagnitudeBits;
    public float StepSize;
    public int CodeBlockWidthExponent, CodeBlockHeightExponent;
}

internal sealed class Precinct
{
    public PrecinctBand[] Bands = [];
}

/// <summary>The code-blocks of one precinct in one sub-band, with their inclusion and zero-bit-plane tag trees.</summary>
internal sealed class PrecinctBand
{
    public required Subband Band;
    public required CodeBlock[] Blocks;
    public TagTree? Inclusion, ZeroBitPlanes;

    public static PrecinctBand Create(Subband band, int x0, int y0, int x1, int y1)
    {
        if (x1 <= x0 || y1 <= y0) return new PrecinctBand { Band = band, Blocks = [] };
        int ex = band.CodeBlockWidthExponent, ey = band.CodeBlockHeightExponent;
        int cx0 = x0 >> ex, cy0 = y0 >> ey, cx1 = TileComponent.CeilShift(x1, ex), cy1 = TileComponent.CeilShift(y1, ey);
        int wide = cx1 - cx0, high = cy1 - cy0;
        var blocks = new CodeBlock[wide * high];
        for (int j = 0; j < high; j++)
            for (int i = 0; i < wide; i++)
            {
                int bx = (cx0 + i) << ex, by = (cy0 + j) << ey;
                blocks[j * wide + i] = new CodeBlock
                {
                    X0 = Math.Max(bx, x0), Y0 = Math.Max(by, y0), X1 = Math.Min(bx + (1 << ex), x1), Y1 = Math.Min(by + (1 << ey), y1),
                };
            }
        return new PrecinctBand { Band = band, Blocks = blocks, Inclusion = new TagTree(wide, high), ZeroBitPlanes = new TagTree(wide, high) };
    }
}

/// <summary>
/// One code-block: its place in the sub-band, what the packet headers said about it so far, and where its bytes are
/// (chunks of the tile body, one per packet that carried some; together they are its codeword segments back to back).
/// </summary>
internal sealed class CodeBlock
{
    public int X0, Y0, X1, Y1;
    public bool Included;
    public int ZeroBitPlanes;
    public int LengthBits = 3; // Lblock (T.800 B.10.7.1)
    public int Passes;
    public int SegmentCount;
    public int[] SegmentPasses = new int[1], SegmentLengths = new int[1], SegmentMaxPasses = new int[1];
    public int ChunkCount;
    public int[] ChunkOffsets = new int[1], ChunkLengths = new int[1];
    public int DataLength;

    public void AddSegment(int maxPasses)
    {
        if (SegmentCount == SegmentPasses.Length)
        {
            Array.Resize(ref SegmentPasses, 2 * SegmentCount);
            Array.Resize(ref SegmentLengths, 2 * SegmentCount);
            Array.Resize(ref SegmentMaxPasses, 2 * SegmentCount);
        }
        SegmentPasses[SegmentCount] = 0;
        SegmentLengths[SegmentCount] = 0;
        SegmentMaxPasses[SegmentCount] = maxPasses;
        SegmentCount++;
    }

    public void AddChunk(int offset, int length)
    {
        if (length == 0) return;
        if (ChunkCount == ChunkOffsets.Length)
        {
            Array.Resize(ref ChunkOffsets, 2 * ChunkCount);
            Array.Resize(ref ChunkLengths, 2 * ChunkCount);
        }
        ChunkOffsets[ChunkCount] = offset;
        ChunkLengths[ChunkCount] = length;
        ChunkCount++;
        DataLength += length;
    }
}
