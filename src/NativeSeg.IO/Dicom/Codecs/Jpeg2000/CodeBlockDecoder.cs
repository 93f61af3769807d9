using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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

    private uint Masked(uint flags, int row) => Masked(flags, row, _causal);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Masked(uint flags, int row, bool causal) => causal && (row & 3) == 3 ? flags & ~BelowStripe : flags;

    // The passes below run on references into the flag and coefficient arrays (no bounds checks: every index lies
    // inside the (width + 2) × (height + 2) flag grid and the width × height coefficients, by the loop bounds) and on a
    // local copy of the MQ registers, so that the decoder's state stays in CPU registers during a pass.

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BecomeSignificant(ref uint flags, int stride, ref int coefficient, int magnitude, bool negative)
    {
        coefficient = negative ? -magnitude : magnitude;
        flags |= Significant;
        Unsafe.Add(ref flags, -stride - 1) |= SouthEast;
        Unsafe.Add(ref flags, -stride) |= South | (negative ? SouthNegative : 0);
        Unsafe.Add(ref flags, -stride + 1) |= SouthWest;
        Unsafe.Add(ref flags, -1) |= East | (negative ? EastNegative : 0);
        Unsafe.Add(ref flags, 1) |= West | (negative ? WestNegative : 0);
        Unsafe.Add(ref flags, stride - 1) |= NorthEast;
        Unsafe.Add(ref flags, stride) |= North | (negative ? NorthNegative : 0);
        Unsafe.Add(ref flags, stride + 1) |= NorthWest;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool DecodeSign(ref MqRegisters mq, ref byte contexts, uint masked)
    {
        int sc = SignCoding[masked & 0xFFF];
        return (MqDecoder.Decode(ref mq, ref Unsafe.Add(ref contexts, sc >> 1)) ^ (sc & 1)) != 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // fully optimised from the first block: a series read is only a few hundred blocks per slice
    private void Significance(int plane)
    {
        ref uint f0 = ref MemoryMarshal.GetArrayDataReference(_flags);
        ref int c0 = ref MemoryMarshal.GetArrayDataReference(_coefficients);
        ref byte contexts = ref MemoryMarshal.GetArrayDataReference(_mq.Contexts);
        ref byte zeroCoding = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(ZeroCoding), _zeroCodingOffset);
        var mq = _mq.Registers;
        int value = 3 << plane; // bit-plane p at bit p + 1, plus the half-way point
        bool causal = _causal;
        int stride = _stride, width = _width, height = _height;
        for (int y0 = 0; y0 < height; y0 += 4)
        {
            int y1 = Math.Min(y0 + 4, height);
            bool fullStripe = y1 - y0 == 4;
            for (int x = 0; x < width; x++)
            {
                ref uint top = ref Unsafe.Add(ref f0, (y0 + 1) * stride + x + 1);
                if (fullStripe)
                {
                    // Most columns of a stripe need nothing: no significant neighbour yet, or all four significant already.
                    uint a = top, b = Unsafe.Add(ref top, stride), c = Unsafe.Add(ref top, 2 * stride), d = Unsafe.Add(ref top, 3 * stride);
                    if (((a | b | c | d) & NeighbourSignificance) == 0 || (a & b & c & d & Significant) != 0) continue;
                }
                for (int y = y0; y < y1; y++)
                {
                    ref uint flags = ref Unsafe.Add(ref top, (y - y0) * stride);
                    if ((flags & (Significant | Visited)) != 0) continue;
                    uint m = Masked(flags, y, causal);
                    if ((m & NeighbourSignificance) == 0) continue;
                    if (MqDecoder.Decode(ref mq, ref Unsafe.Add(ref contexts, Unsafe.Add(ref zeroCoding, (int)(m & NeighbourSignificance)))) != 0)
                        BecomeSignificant(ref flags, stride, ref Unsafe.Add(ref c0, y * width + x), value, DecodeSign(ref mq, ref contexts, m));
                    flags |= Visited;
                }
            }
        }
        _mq.Registers = mq;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // fully optimised from the first block: a series read is only a few hundred blocks per slice
    private void SignificanceRaw(int plane)
    {
        ref uint f0 = ref MemoryMarshal.GetArrayDataReference(_flags);
        ref int c0 = ref MemoryMarshal.GetArrayDataReference(_coefficients);
        int value = 3 << plane;
        int stride = _stride, width = _width, height = _height;
        for (int y0 = 0; y0 < height; y0 += 4)
        {
            int y1 = Math.Min(y0 + 4, height);
            for (int x = 0; x < width; x++)
            {
                for (int y = y0; y < y1; y++)
                {
                    ref uint flags = ref Unsafe.Add(ref f0, (y + 1) * stride + x + 1);
                    if ((flags & (Significant | Visited)) != 0) continue;
                    if ((Masked(flags, y) & NeighbourSignificance) == 0) continue;
                    if (_raw.Decode() != 0)
                        BecomeSignificant(ref flags, stride, ref Unsafe.Add(ref c0, y * width + x), value, _raw.Decode() != 0);
                    flags |= Visited;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // fully optimised from the first block: a series read is only a few hundred blocks per slice
    private void Refinement(int plane)
    {
        ref uint f0 = ref MemoryMarshal.GetArrayDataReference(_flags);
        ref int c0 = ref MemoryMarshal.GetArrayDataReference(_coefficients);
        ref byte contexts = ref MemoryMarshal.GetArrayDataReference(_mq.Contexts);
        var mq = _mq.Registers;
        int half = 1 << plane;
        bool causal = _causal;
        int stride = _stride, width = _width, height = _height;
        for (int y0 = 0; y0 < height; y0 += 4)
        {
            int y1 = Math.Min(y0 + 4, height);
            bool fullStripe = y1 - y0 == 4;
            for (int x = 0; x < width; x++)
            {
                ref uint top = ref Unsafe.Add(ref f0, (y0 + 1) * stride + x + 1);
                if (fullStripe && ((top | Unsafe.Add(ref top, stride) | Unsafe.Add(ref top, 2 * stride) | Unsafe.Add(ref top, 3 * stride)) & Significant) == 0)
                    continue; // nothing significant to refine in this column
                for (int y = y0; y < y1; y++)
                {
                    ref uint flags = ref Unsafe.Add(ref top, (y - y0) * stride);
                    uint f = flags;
                    if ((f & (Significant | Visited)) != Significant) continue;
                    int context = (f & Refined) != 0 ? 16 : (Masked(f, y, causal) & NeighbourSignificance) != 0 ? 15 : 14;
                    int bit = MqDecoder.Decode(ref mq, ref Unsafe.Add(ref contexts, context));
                    ref int c = ref Unsafe.Add(ref c0, y * width + x);
                    // A 1 moves the magnitude up by half the current step, a 0 down: the new half-way point. Branch-free
                    // (refinement bits are close to random): ±half, negated for a negative coefficient.
                    int delta = ((bit << 1) - 1) * half, negative = c >> 31;
                    c += (delta ^ negative) - negative;
                    flags = f | Refined;
                }
            }
        }
        _mq.Registers = mq;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // fully optimised from the first block: a series read is only a few hundred blocks per slice
    private void RefinementRaw(int plane)
    {
        ref uint f0 = ref MemoryMarshal.GetArrayDataReference(_flags);
        ref int c0 = ref MemoryMarshal.GetArrayDataReference(_coefficients);
        int half = 1 << plane;
        int stride = _stride, width = _width, height = _height;
        for (int y0 = 0; y0 < height; y0 += 4)
        {
            int y1 = Math.Min(y0 + 4, height);
            for (int x = 0; x < width; x++)
            {
                for (int y = y0; y < y1; y++)
                {
                    ref uint flags = ref Unsafe.Add(ref f0, (y + 1) * stride + x + 1);
                    uint f = flags;
                    if ((f & (Significant | Visited)) != Significant) continue;
                    int bit = _raw.Decode();
                    ref int c = ref Unsafe.Add(ref c0, y * width + x);
                    c += (bit ^ (c < 0 ? 1 : 0)) != 0 ? half : -half;
                    flags = f | Refined;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // fully optimised from the first block: a series read is only a few hundred blocks per slice
    private void Cleanup(int plane)
    {
        ref uint f0 = ref MemoryMarshal.GetArrayDataReference(_flags);
        ref int c0 = ref MemoryMarshal.GetArrayDataReference(_coefficients);
        ref byte contexts = ref MemoryMarshal.GetArrayDataReference(_mq.Contexts);
        ref byte zeroCoding = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(ZeroCoding), _zeroCodingOffset);
        var mq = _mq.Registers;
        int value = 3 << plane;
        bool causal = _causal;
        int stride = _stride, width = _width, height = _height;
        for (int y0 = 0; y0 < height; y0 += 4)
        {
            int y1 = Math.Min(y0 + 4, height);
            bool fullStripe = y1 - y0 == 4;
            for (int x = 0; x < width; x++)
            {
                ref uint top = ref Unsafe.Add(ref f0, (y0 + 1) * stride + x + 1);
                int start = y0;
                if (fullStripe)
                {
                    uint a = top, b = Unsafe.Add(ref top, stride), c = Unsafe.Add(ref top, 2 * stride), d = Unsafe.Add(ref top, 3 * stride);
                    // All four already significant or visited (Visited is the bit above Significant): only clear the marks.
                    if (((a | a >> 1) & (b | b >> 1) & (c | c >> 1) & (d | d >> 1) & Significant) != 0)
                    {
                        top = a & ~Visited;
                        Unsafe.Add(ref top, stride) = b & ~Visited;
                        Unsafe.Add(ref top, 2 * stride) = c & ~Visited;
                        Unsafe.Add(ref top, 3 * stride) = d & ~Visited;
                        continue;
                    }
                    const uint busy = Significant | Visited | NeighbourSignificance;
                    if (((top | Unsafe.Add(ref top, stride) | Unsafe.Add(ref top, 2 * stride) | Masked(Unsafe.Add(ref top, 3 * stride), 3, causal)) & busy) == 0)
                    {
                        // Run-length mode: one decision says whether any of the four becomes significant.
                        if (MqDecoder.Decode(ref mq, ref Unsafe.Add(ref contexts, MqDecoder.RunLengthContext)) == 0) continue;
                        int run = MqDecoder.Decode(ref mq, ref Unsafe.Add(ref contexts, MqDecoder.UniformContext)) << 1;
                        run |= MqDecoder.Decode(ref mq, ref Unsafe.Add(ref contexts, MqDecoder.UniformContext));
                        int y = y0 + run;
                        ref uint flags = ref Unsafe.Add(ref top, run * stride);
                        BecomeSignificant(ref flags, stride, ref Unsafe.Add(ref c0, y * width + x), value,
                            DecodeSign(ref mq, ref contexts, Masked(flags, y, causal)));
                        start = y + 1;
                    }
                }
                for (int y = start; y < y1; y++)
                {
                    ref uint flags = ref Unsafe.Add(ref top, (y - y0) * stride);
                    uint f = flags;
                    if ((f & (Significant | Visited)) != 0) continue;
                    uint m = Masked(f, y, causal);
                    if (MqDecoder.Decode(ref mq, ref Unsafe.Add(ref contexts, Unsafe.Add(ref zeroCoding, (int)(m & NeighbourSignificance)))) != 0)
                        BecomeSignificant(ref flags, stride, ref Unsafe.Add(ref c0, y * width + x), value, DecodeSign(ref mq, ref contexts, m));
                }
                for (int y = y0; y < y1; y++) Unsafe.Add(ref top, (y - y0) * stride) &= ~Visited;
            }
        }
        _mq.Registers = mq;
    }
}
