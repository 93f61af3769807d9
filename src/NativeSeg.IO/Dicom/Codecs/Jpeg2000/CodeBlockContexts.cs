namespace NativeSeg.IO.Dicom.Codecs.Jpeg2000;

/// <summary>
/// The per-coefficient state of the tier-1 decoder and the context tables built on it (T.800 D.3). Every
/// coefficient keeps a word of flags: which of its eight neighbours are significant and the signs of its four
/// horizontal and vertical neighbours, kept up to date whenever a coefficient becomes significant, so that a
/// context is one table look-up instead of eight neighbour reads.
/// </summary>
internal static class CodeBlockContexts
{
    public const uint NorthWest = 1 << 0, North = 1 << 1, NorthEast = 1 << 2, West = 1 << 3, East = 1 << 4,
        SouthWest = 1 << 5, South = 1 << 6, SouthEast = 1 << 7;
    public const uint NeighbourSignificance = 0xFF;
    public const uint NorthNegative = 1 << 8, WestNegative = 1 << 9, EastNegative = 1 << 10, SouthNegative = 1 << 11;
    public const uint Significant = 1 << 12, Visited = 1 << 13, Refined = 1 << 14;

    /// <summary>What vertically causal mode hides from a stripe's last row: the stripe below.</summary>
    public const uint BelowStripe = SouthWest | South | SouthEast | SouthNegative;

    /// <summary>Zero-coding contexts 0–8 (T.800 Table D.1) by table (0: LL and LH, 1: HL, 2: HH) × 256 + neighbour bits.</summary>
    public static readonly byte[] ZeroCoding = BuildZeroCoding();

    /// <summary>Sign-coding context (9–13) × 2 + the bit to XOR with the decoded symbol (T.800 Table D.3), by flags &amp; 0xFFF.</summary>
    public static readonly byte[] SignCoding = BuildSignCoding();

    public static int ZeroCodingTable(SubbandOrientation orientation) => orientation switch
    {
        SubbandOrientation.HL => 1,
        SubbandOrientation.HH => 2,
        _ => 0,
    };

    private static byte[] BuildZeroCoding()
    {
        var table = new byte[3 * 256];
        for (int f = 0; f < 256; f++)
        {
            uint u = (uint)f;
            int h = Bit(u, West) + Bit(u, East);
            int v = Bit(u, North) + Bit(u, South);
            int d = Bit(u, NorthWest) + Bit(u, NorthEast) + Bit(u, SouthWest) + Bit(u, SouthEast);
            table[f] = (byte)LowLowContext(h, v, d);
            table[256 + f] = (byte)LowLowContext(v, h, d); // HL: horizontal and vertical roles swap
            table[512 + f] = (byte)HighHighContext(h + v, d);
        }
        return table;
    }

    private static int LowLowContext(int h, int v, int d)
    {
        if (h == 2) return 8;
        if (h == 1) return v >= 1 ? 7 : d >= 1 ? 6 : 5;
        if (v == 2) return 4;
        if (v == 1) return 3;
        return d >= 2 ? 2 : d;
    }

    private static int HighHighContext(int hv, int d)
    {
        if (d >= 3) return 8;
        if (d == 2) return hv >= 1 ? 7 : 6;
        if (d == 1) return hv >= 2 ? 5 : hv == 1 ? 4 : 3;
        return hv >= 2 ? 2 : hv;
    }

    private static byte[] BuildSignCoding()
    {
        var table = new byte[4096];
        for (int f = 0; f < 4096; f++)
        {
            uint u = (uint)f;
            int h = Contribution(u, West, WestNegative) + Contribution(u, East, EastNegative);
            int v = Contribution(u, North, NorthNegative) + Contribution(u, South, SouthNegative);
            h = Math.Clamp(h, -1, 1);
            v = Math.Clamp(v, -1, 1);
            // Table D.3: the context depends on (|H|, V·sign(H)); a negative H flips the predicted sign.
            int xor = 0;
            if (h < 0 || (h == 0 && v < 0))
            {
                xor = 1;
                h = -h;
                v = -v;
            }
            int context = h == 0 ? (v == 0 ? 9 : 10) : 12 + v; // h = 1: V −1, 0, 1 → 11, 12, 13
            table[f] = (byte)(context << 1 | xor);
        }
        return table;
    }

    private static int Bit(uint flags, uint bit) => (flags & bit) != 0 ? 1 : 0;

    private static int Contribution(uint flags, uint significant, uint negative) =>
        (flags & significant) == 0 ? 0 : (flags & negative) != 0 ? -1 : 1;
}
