using static NativeSeg.IO.Dicom.Codecs.Jpeg2000.CodeBlockContexts;

namespace NativeSeg.IO.Dicom.Codecs.Jpeg2000;

/// <summary>
/// EBCOT tier 1 (T.800 Annex D): decodes one code-block's coding passes (cleanup, significance propagation,
/// magnitude refinement, bit-plane by bit-plane from the most significant) into signed coefficients, with every
/// code-block style of Part 1: bypass, context reset, termination on every pass, vertically causal contexts,
/// predictable termination and segmentation symbols.
/// <para>
/// Coefficients are kept with one extra fractional bit (bit-plane p sits at bit p + 1), so that a coefficient whose
/// lower bit-planes were never decoded can carry the half-way reconstruction point (bit p) as the standard's r = ½
/// asks; for a losslessly coded block every plane is decoded and halving gives the exact value. One instance per
/// thread: it owns the flag and coefficient buffers.
/// </para>
/// </summary>
internal sealed class CodeBlockDecoder
{
    /// <summary>At most 4096 coefficients per block (T.800 A.6.1), each side at most 1024.</summary>
    public const int MaxCoefficients = 4096;

    private readonly MqDecoder _mq = new();
    private readonly RawBitDecoder _raw = new();
    private readonly uint[] _flags = new uint[(1024 + 2) * (4 + 2) + (64 + 2) * (64 + 2)];
    private readonly int[] _coefficients = new int[MaxCoefficients];
    private int _width, _height, _stride;
    private int _zeroCodingOffset;
    private bool _causal;

    /// <summary>The decoded coefficients of the last block, row by row (width × height), in the doubled scale above.</summary>
    public ReadOnlySpan<int> Coefficients => _coefficients.AsSpan(0, _width * _height);

    /// <summary>
    /// Decodes a block of <paramref name="width"/> × <paramref name="height"/> from its codeword segments
    /// (<paramref name="segmentPasses"/>[i] passes in <paramref name="segmentLengths"/>[i] bytes, back to back in
    /// <paramref name="data"/> from <paramref name="start"/>), starting <paramref name="bitPlanes"/> planes below the top.
    /// </summary>
    public void Decode(byte[] data, int start, ReadOnlySpan<int> segmentPasses, ReadOnlySpan<int> segmentLengths, int width, int height,
        int bitPlanes, SubbandOrientation orientation, CodeBlockStyle style)
    {
        _width = width;
        _height = height;
        _stride = width + 2;
        _zeroCodingOffset = 256 * ZeroCodingTable(orientation);
        _causal = (style & CodeBlockStyle.VerticallyCausal) != 0;
        _flags.AsSpan(0, _stride * (height + 2)).Clear();
        _coefficients.AsSpan(0, width * height).Clear();
        _mq.ResetContexts();

        bool bypass = (style & CodeBlockStyle.Bypass) != 0;
        bool reset = (style & CodeBlockStyle.ResetContexts) != 0;
        bool segmentation = (style & CodeBlockStyle.SegmentationSymbols) != 0;
        int plane = bitPlanes - 1, passType = 2, passIndex = 0, offset = start; // the first pass is a cleanup pass
        for (int s = 0; s < segmentPasses.Length; s++)
        {
            int end = offset + segmentLengths[s];
            _mq.Start(data, offset, end);
            _raw.Start(data, offset, end);
            for (int k = 0; k < segmentPasses[s]; k++)
            {
                if (plane < 0) throw new Jpeg2000FormatException("a code-block has more coding passes than bit-planes");
                bool raw = bypass && passIndex >= 10 && passType != 2;
                switch (passType)
                {
                    case 0:
                        if (raw) SignificanceRaw(plane); else Significance(plane);
                        break;
                    case 1:
                        if (raw) RefinementRaw(plane); else Refinement(plane);
                        break;
                    default:
                        Cleanup(plane);
                        if (segmentation)
                            for (int i = 0; i < 4; i++) _mq.Decode(MqDecoder.UniformContext); // 1010, read and ignored
                        break;
                }
                if (reset) _mq.ResetContexts();
                if (++passType == 3)
                {
                    passType = 0; // cleanup ends a bit-plane; the next one starts with significance propagation
                    plane--;
                }
                passIndex++;
            }
            offset = end;
        }
    }

    private uint Masked(uint flags, int row) => _causal && (row & 3) == 3 ? flags & ~BelowStripe : flags;

    private void BecomeSignificant(int flagIndex, int coefficientIndex, int magnitude, bool negative)
    {
        var f = _flags;
        int stride = _stride;
        _coefficients[coefficientIndex] = negative ? -magnitude : magnitude;
        f[flagIndex] |= Significant;
        f[flagIndex - stride - 1] |= SouthEast;
        f[flagIndex - stride] |= South | (negative ? SouthNegative : 0);
        f[flagIndex - stride + 1] |= SouthWest;
        f[flagIndex - 1] |= East | (negative ? EastNegative : 0);
        f[flagIndex + 1] |= West | (negative ? WestNegative : 0);
        f[flagIndex + stride - 1] |= NorthEast;
        f[flagIndex + stride] |= North | (negative ? NorthNegative : 0);
        f[flagIndex + stride + 1] |= NorthWest;
    }

    private bool DecodeSign(uint masked)
    {
        int sc = SignCoding[masked & 0xFFF];
        return (_mq.Decode(sc >> 1) ^ (sc & 1)) != 0;
    }

    private void Significance(int plane)
    {
        var f = _flags;
        int value = 3 << plane; // bit-plane p at bit p + 1, plus the half-way point
        for (int y0 = 0; y0 < _height; y0 += 4)
        {
            int y1 = Math.Min(y0 + 4, _height);
            for (int x = 0; x < _width; x++)
            {
                for (int y = y0; y < y1; y++)
                {
                    int fi = (y + 1) * _stride + x + 1;
                    uint flags = f[fi];
                    if ((flags & (Significant | Visited)) != 0) continue;
                    uint m = Masked(flags, y);
                    if ((m & NeighbourSignificance) == 0) continue;
                    if (_mq.Decode(ZeroCoding[_zeroCodingOffset + (int)(m & NeighbourSignificance)]) != 0)
                        BecomeSignificant(fi, y * _width + x, value, DecodeSign(m));
                    f[fi] |= Visited;
                }
            }
        }
    }

    private void SignificanceRaw(int plane)
    {
        var f = _flags;
        int value = 3 << plane;
        for (int y0 = 0; y0 < _height; y0 += 4)
        {
            int y1 = Math.Min(y0 + 4, _height);
            for (int x = 0; x < _width; x++)
            {
                for (int y = y0; y < y1; y++)
                {
                    int fi = (y + 1) * _stride + x + 1;
                    uint flags = f[fi];
                    if ((flags & (Significant | Visited)) != 0) continue;
                    if ((Masked(flags, y) & NeighbourSignificance) == 0) continue;
                    if (_raw.Decode() != 0)
                        BecomeSignificant(fi, y * _width + x, value, _raw.Decode() != 0);
                    f[fi] |= Visited;
                }
            }
        }
    }

    private void Refinement(int plane)
    {
        var f = _flags;
        var c = _coefficients;
        int half = 1 << plane;
        for (int y0 = 0; y0 < _height; y0 += 4)
        {
            int y1 = Math.Min(y0 + 4, _height);
            for (int x = 0; x < _width; x++)
            {
                for (int y = y0; y < y1; y++)
                {
                    int fi = (y + 1) * _stride + x + 1;
                    uint flags = f[fi];
                    if ((flags & (Significant | Visited)) != Significant) continue;
                    int context = (flags & Refined) != 0 ? 16 : (Masked(flags, y) & NeighbourSignificance) != 0 ? 15 : 14;
                    int bit = _mq.Decode(context);
                    int ci = y * _width + x;
                    // A 1 moves the magnitude up by half the current step, a 0 down: the new half-way point.
                    c[ci] += (bit ^ (c[ci] < 0 ? 1 : 0)) != 0 ? half : -half;
                    f[fi] = flags | Refined;
                }
            }
        }
    }

    private void RefinementRaw(int plane)
    {
        var f = _flags;
        var c = _coefficients;
        int half = 1 << plane;
        for (int y0 = 0; y0 < _height; y0 += 4)
        {
            int y1 = Math.Min(y0 + 4, _height);
            for (int x = 0; x < _width; x++)
            {
                for (int y = y0; y < y1; y++)
                {
                    int fi = (y + 1) * _stride + x + 1;
                    uint flags = f[fi];
                    if ((flags & (Significant | Visited)) != Significant) continue;
                    int bit = _raw.Decode();
                    int ci = y * _width + x;
                    c[ci] += (bit ^ (c[ci] < 0 ? 1 : 0)) != 0 ? half : -half;
                    f[fi] = flags | Refined;
                }
            }
        }
    }

    private void Cleanup(int plane)
    {
        var f = _flags;
        int value = 3 << plane;
        int stride = _stride;
        for (int y0 = 0; y0 < _height; y0 += 4)
        {
            int y1 = Math.Min(y0 + 4, _height);
            bool fullStripe = y1 - y0 == 4;
            for (int x = 0; x < _width; x++)
            {
                int fi0 = (y0 + 1) * stride + x + 1;
                int start = y0;
                if (fullStripe)
                {
                    const uint busy = Significant | Visited | NeighbourSignificance;
                    if (((f[fi0] | f[fi0 + stride] | f[fi0 + 2 * stride] | Masked(f[fi0 + 3 * stride], 3)) & busy) == 0)
                    {
                        // Run-length mode: one decision says whether any of the four becomes significant.
                        if (_mq.Decode(MqDecoder.RunLengthContext) == 0) continue;
                        int run = _mq.Decode(MqDecoder.UniformContext) << 1;
                        run |= _mq.Decode(MqDecoder.UniformContext);
                        int y = y0 + run, fi = fi0 + run * stride;
                        BecomeSignificant(fi, y * _width + x, value, DecodeSign(Masked(f[fi], y)));
                        start = y + 1;
                    }
                }
                for (int y = start; y < y1; y++)
                {
                    int fi = (y + 1) * stride + x + 1;
                    uint flags = f[fi];
                    if ((flags & (Significant | Visited)) != 0) continue;
                    uint m = Masked(flags, y);
                    if (_mq.Decode(ZeroCoding[_zeroCodingOffset + (int)(m & NeighbourSignificance)]) != 0)
                        BecomeSignificant(fi, y * _width + x, value, DecodeSign(Masked(f[fi], y)));
                }
                for (int y = y0; y < y1; y++) f[(y + 1) * stride + x + 1] &= ~Visited;
            }
        }
    }
}
