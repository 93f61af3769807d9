namespace NativeSeg.IO.Dicom.Codecs;

/// <summary>
/// The accurate integer 8×8 inverse DCT of the Independent JPEG Group's library ("islow", the default of libjpeg 6b
/// and therefore of dcmtk's <c>dcmdjpeg</c>), so lossy JPEG decodes to the same samples as the reference.
/// It is the Loeffler–Ligtenberg–Moschytz factorisation (12 multiplies, 32 adds per 1-D pass): columns first, into
/// a workspace scaled up by 2^<see cref="_pass1Bits"/>, then rows. Products use constants scaled by 2^13 and each
/// pass rounds half up by adding half the divisor before an arithmetic shift. The result is level-shifted by half
/// the sample range and clamped to 0..2^P − 1 after the same wrap-around libjpeg's range-limit table makes
/// (values are taken modulo 2^(P+2), as signed, before clamping): identical for every coefficient block, valid or not.
/// </summary>
internal sealed class JpegIslowIdct
{
    private const int ConstBits = 13;

    // cos-derived multipliers × 2^13, rounded (the values libjpeg 6b names FIX_0_298631336 … FIX_3_072711026).
    private static readonly long C0_298631336 = Fix(0.298631336), C0_390180644 = Fix(0.390180644), C0_541196100 = Fix(0.541196100),
        C0_765366865 = Fix(0.765366865), C0_899976223 = Fix(0.899976223), C1_175875602 = Fix(1.175875602),
        C1_501321110 = Fix(1.501321110), C1_847759065 = Fix(1.847759065), C1_961570560 = Fix(1.961570560),
        C2_053119869 = Fix(2.053119869), C2_562915447 = Fix(2.562915447), C3_072711026 = Fix(3.072711026);

    private readonly int _pass1Bits;   // 2 for 8-bit samples, 1 for 12-bit (keeps 12-bit intermediates in range)
    private readonly int _center;      // 2^(P−1): the level shift
    private readonly int _maximum;     // 2^P − 1
    private readonly int _wrapShift;   // 32 − (P + 2): sign-extends the low P + 2 bits
    private readonly int[] _workspace = new int[64];

    public JpegIslowIdct(int precision)
    {
        _pass1Bits = precision == 8 ? 2 : 1;
        _center = 1 << (precision - 1);
        _maximum = (1 << precision) - 1;
        _wrapShift = 32 - (precision + 2);
    }

    private static long Fix(double x) => (long)(x * (1 << ConstBits) + 0.5);

    private static long Descale(long x, int n) => (x + (1L << (n - 1))) >> n;

    /// <summary>
    /// Transforms one block: <paramref name="coefficients"/> and <paramref name="quantization"/> in natural (row-major)
    /// order; writes 64 samples, row-major, to <paramref name="output"/>.
    /// </summary>
    public void Transform(ReadOnlySpan<short> coefficients, ReadOnlySpan<int> quantization, Span<int> output)
    {
        var ws = _workspace.AsSpan();
        int pass1Bits = _pass1Bits;

        // Pass 1: columns. The workspace holds int, as libjpeg's does.
        for (int c = 0; c < 8; c++)
        {
            if (coefficients[8 + c] == 0 && coefficients[16 + c] == 0 && coefficients[24 + c] == 0 && coefficients[32 + c] == 0
                && coefficients[40 + c] == 0 && coefficients[48 + c] == 0 && coefficients[56 + c] == 0)
            {
                // Only the DC term: the column is constant (the full computation below gives the same value).
                int dc = coefficients[c] * quantization[c] << pass1Bits;
                for (int r = 0; r < 8; r++) ws[8 * r + c] = dc;
                continue;
            }
            Butterfly(
                (long)coefficients[c] * quantization[c], (long)coefficients[8 + c] * quantization[8 + c],
                (long)coefficients[16 + c] * quantization[16 + c], (long)coefficients[24 + c] * quantization[24 + c],
                (long)coefficients[32 + c] * quantization[32 + c], (long)coefficients[40 + c] * quantization[40 + c],
                (long)coefficients[48 + c] * quantization[48 + c], (long)coefficients[56 + c] * quantization[56 + c],
                ConstBits - pass1Bits, out var o0, out var o1, out var o2, out var o3, out var o4, out var o5, out var o6, out var o7);
            ws[c] = (int)o0; ws[8 + c] = (int)o1; ws[16 + c] = (int)o2; ws[24 + c] = (int)o3;
            ws[32 + c] = (int)o4; ws[40 + c] = (int)o5; ws[48 + c] = (int)o6; ws[56 + c] = (int)o7;
        }

        // Pass 2: rows, removing the pass-1 scaling and the 8× of the 2-D DCT's normalisation.
        int shift = ConstBits + pass1Bits + 3;
        for (int r = 0; r < 8; r++)
        {
            var row = ws.Slice(8 * r, 8);
            var outRow = output.Slice(8 * r, 8);
            if (row[1] == 0 && row[2] == 0 && row[3] == 0 && row[4] == 0 && row[5] == 0 && row[6] == 0 && row[7] == 0)
            {
                outRow.Fill(Limit(Descale(row[0], pass1Bits + 3)));
                continue;
            }
            Butterfly(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], shift,
                out var o0, out var o1, out var o2, out var o3, out var o4, out var o5, out var o6, out var o7);
            outRow[0] = Limit(o0); outRow[1] = Limit(o1); outRow[2] = Limit(o2); outRow[3] = Limit(o3);
            outRow[4] = Limit(o4); outRow[5] = Limit(o5); outRow[6] = Limit(o6); outRow[7] = Limit(o7);
        }
    }

    /// <summary>Level shift and clamp, after the modulo-2^(P+2) wrap of libjpeg's range-limit table.</summary>
    private int Limit(long value)
    {
        int wrapped = (int)value << _wrapShift >> _wrapShift;
        return Math.Clamp(wrapped + _center, 0, _maximum);
    }

    /// <summary>One 1-D inverse DCT of eight inputs, each output rounded and shifted right by <paramref name="shift"/>.</summary>
    private static void Butterfly(long in0, long in1, long in2, long in3, long in4, long in5, long in6, long in7, int shift,
        out long o0, out long o1, out long o2, out long o3, out long o4, out long o5, out long o6, out long o7)
    {
        // Even part: a rotation of inputs 2 and 6 by √2·c6, and the sum and difference of inputs 0 and 4.
        long z1 = (in2 + in6) * C0_541196100;
        long tmp2 = z1 - in6 * C1_847759065;
        long tmp3 = z1 + in2 * C0_765366865;
        long tmp0 = (in0 + in4) << ConstBits;
        long tmp1 = (in0 - in4) << ConstBits;
        long tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;

        // Odd part: inputs 7, 5, 3, 1 through the shared rotation z5 = (z3 + z4)·√2·c3.
        long t0 = in7, t1 = in5, t2 = in3, t3 = in1;
        long a = t0 + t3, b = t1 + t2, c = t0 + t2, d = t1 + t3;
        long z5 = (c + d) * C1_175875602;
        t0 *= C0_298631336;
        t1 *= C2_053119869;
        t2 *= C3_072711026;
        t3 *= C1_501321110;
        a *= -C0_899976223;
        b *= -C2_562915447;
        c = c * -C1_961570560 + z5;
        d = d * -C0_390180644 + z5;
        t0 += a + c;
        t1 += b + d;
        t2 += b + c;
        t3 += a + d;

        o0 = Descale(tmp10 + t3, shift);
        o7 = Descale(tmp10 - t3, shift);
        o1 = Descale(tmp11 + t2, shift);
        o6 = Descale(tmp11 - t2, shift);
        o2 = Descale(tmp12 + t1, shift);
        o5 = Descale(tmp12 - t1, shift);
        o3 = Descale(tmp13 + t0, shift);
        o4 = Descale(tmp13 - t0, shift);
    }
}
