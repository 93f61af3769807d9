using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NativeSeg.Engine.Cpu;

/// <summary>
/// The register-blocked inner loops of the convolutions. They read only zero-padded copies (see
/// <see cref="PaddedPlanes"/>), so they contain no border tests.
///
/// SIMD layout: one <see cref="Vector512{T}"/> holds 16 neighbouring output columns of one output channel. A 3×3
/// tap shifted by (ky·d, kx·d) is then just an unaligned load of 16 consecutive input values starting kx·d floats to
/// the right, and the weight of that tap is the same for all 16 lanes: one broadcast. Each broadcast weight is reused
/// for every column strip, and each loaded input vector for every output channel of the block, which is what lifts the
/// loop from load-bound to FMA-bound.
/// </summary>
internal static unsafe class CpuConvolutionKernels
{
    public const int Lanes = 16;

    /// <summary>Output channels per forward block (the packed weights interleave this many channels per tap).</summary>
    public const int ChannelBlock = 8;

    /// <summary>Output channels per backward-weights block (<see cref="Weights8x3"/>).</summary>
    public const int WeightBlock = 8;

    /// <summary>
    /// How many input channels ahead the forward kernels prefetch. The tap loads hop between channels 1.2 KB apart
    /// and kernel rows tens of KB apart, a pattern the hardware prefetchers do not follow, so without help each
    /// channel's first loads wait on L2/L3. Four channels ahead measured faster than none, and distances 1 to 6
    /// within a few percent of each other (benchmarks/RESULTS.md, "Software prefetch").
    /// </summary>
    public const int PrefetchChannelsAhead = 4;

    /// <summary>Columns computed by <see cref="Forward8x48"/>: three 16-lane strips.</summary>
    public const int WideColumns = 3 * Lanes;

    /// <summary>
    /// Computes 8 output channels × 48 columns of one output row, summing over every input channel and tap.
    /// <paramref name="source"/> points at padded input channel 0 at the row and column of tap (0, 0) for the first
    /// output column, and channels follow <paramref name="channelStride"/> floats apart; <paramref name="weights"/>
    /// at this block's packed weights [inChannel][tap][8 channels]; <paramref name="tapOffsets"/> gives each tap's
    /// offset from tap (0, 0) in floats (ky·d·rowStride + kx·d). Stores channels 0 .. validChannels−1 at
    /// destination + channel·outputPlane.
    ///
    /// Why 8×48: per tap it issues 3 input loads and 8 broadcasts for 24 FMAs. The input loads start kx·d floats
    /// from an arbitrary column, so almost all of them straddle two cache lines and cost two load slots each; with
    /// 24 FMAs (12 cycles on two FMA ports) per 14 load slots (7 cycles on two load ports) the loop stays FMA-bound,
    /// where a 4×64 block (16 FMAs per 4 split loads + 4 broadcasts) sits much closer to the load limit.
    /// Registers: 24 accumulators + 3 inputs + 1 live broadcast = 28 of AVX-512's 32.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward8x48(float* source, long channelStride, int inChannels, float* weights, int* tapOffsets, int taps,
        float* destination, long outputPlane, int validChannels, long kernelRowStride, int kernelRows)
    {
        Vector512<float> a00 = default, a01 = default, a02 = default, a10 = default, a11 = default, a12 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a30 = default, a31 = default, a32 = default;
        Vector512<float> a40 = default, a41 = default, a42 = default, a50 = default, a51 = default, a52 = default;
        Vector512<float> a60 = default, a61 = default, a62 = default, a70 = default, a71 = default, a72 = default;
        for (int c = 0; c < inChannels; c++, source += channelStride)
        {
            // The 48 + 2·dilation floats (four or five lines) of each kernel row, PrefetchChannelsAhead channels on;
            // in the last channels, the first channels of the next strip (the caller's next call), 48 columns on.
            // A prefetch never faults, so an address past the row or the buffer is harmless.
            float* ahead = source + PrefetchChannelsAhead * channelStride;
            if (c + PrefetchChannelsAhead >= inChannels) ahead += WideColumns - inChannels * channelStride;
            PrefetchKernelRows(ahead, kernelRowStride, kernelRows, lines: 4);
            for (int t = 0; t < taps; t++, weights += ChannelBlock)
            {
                float* p = source + tapOffsets[t];
                // Three unaligned loads: the 48 input values this tap contributes to the 48 output columns.
                var x0 = Vector512.Load(p);
                var x1 = Vector512.Load(p + Lanes);
                var x2 = Vector512.Load(p + 2 * Lanes);
                // Each output channel's weight for this tap, broadcast to all 16 lanes (vbroadcastss) and used at
                // once by its three FMAs, so only one broadcast register is live at a time.
                var w = Vector512.Create(weights[0]);
                a00 = Vector512.FusedMultiplyAdd(x0, w, a00); a01 = Vector512.FusedMultiplyAdd(x1, w, a01); a02 = Vector512.FusedMultiplyAdd(x2, w, a02);
                w = Vector512.Create(weights[1]);
                a10 = Vector512.FusedMultiplyAdd(x0, w, a10); a11 = Vector512.FusedMultiplyAdd(x1, w, a11); a12 = Vector512.FusedMultiplyAdd(x2, w, a12);
                w = Vector512.Create(weights[2]);
                a20 = Vector512.FusedMultiplyAdd(x0, w, a20); a21 = Vector512.FusedMultiplyAdd(x1, w, a21); a22 = Vector512.FusedMultiplyAdd(x2, w, a22);
                w = Vector512.Create(weights[3]);
                a30 = Vector512.FusedMultiplyAdd(x0, w, a30); a31 = Vector512.FusedMultiplyAdd(x1, w, a31); a32 = Vector512.FusedMultiplyAdd(x2, w, a32);
                w = Vector512.Create(weights[4]);
                a40 = Vector512.FusedMultiplyAdd(x0, w, a40); a41 = Vector512.FusedMultiplyAdd(x1, w, a41); a42 = Vector512.FusedMultiplyAdd(x2, w, a42);
                w = Vector512.Create(weights[5]);
                a50 = Vector512.FusedMultiplyAdd(x0, w, a50); a51 = Vector512.FusedMultiplyAdd(x1, w, a51); a52 = Vector512.FusedMultiplyAdd(x2, w, a52);
                w = Vector512.Create(weights[6]);
                a60 = Vector512.FusedMultiplyAdd(x0, w, a60); a61 = Vector512.FusedMultiplyAdd(x1, w, a61); a62 = Vector512.FusedMultiplyAdd(x2, w, a62);
                w = Vector512.Create(weights[7]);
                a70 = Vector512.FusedMultiplyAdd(x0, w, a70); a71 = Vector512.FusedMultiplyAdd(x1, w, a71); a72 = Vector512.FusedMultiplyAdd(x2, w, a72);
            }
        }
        // Channels past the end of the tensor (the last block of a channel count that is not a multiple of 8) were
        // computed with zero weights and are simply not stored.
        Store3(destination, a00, a01, a02);
        if (validChannels > 1) Store3(destination + outputPlane, a10, a11, a12);
        if (validChannels > 2) Store3(destination + 2 * outputPlane, a20, a21, a22);
        if (validChannels > 3) Store3(destination + 3 * outputPlane, a30, a31, a32);
        if (validChannels > 4) Store3(destination + 4 * outputPlane, a40, a41, a42);
        if (validChannels > 5) Store3(destination + 5 * outputPlane, a50, a51, a52);
        if (validChannels > 6) Store3(destination + 6 * outputPlane, a60, a61, a62);
        if (validChannels > 7) Store3(destination + 7 * outputPlane, a70, a71, a72);
    }

    /// <summary>
    /// As <see cref="Forward8x48"/> for a single 16-column strip, storing only the first <paramref name="columns"/>
    /// (≤ 16) columns: the row's tail.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward8x16(float* source, long channelStride, int inChannels, float* weights, int* tapOffsets, int taps,
        float* destination, long outputPlane, int validChannels, int columns, long kernelRowStride, int kernelRows)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (int c = 0; c < inChannels; c++, source += channelStride)
        {
            PrefetchKernelRows(source + PrefetchChannelsAhead * channelStride, kernelRowStride, kernelRows, lines: 2);
            for (int t = 0; t < taps; t++, weights += ChannelBlock)
            {
                var x = Vector512.Load(source + tapOffsets[t]);
                a0 = Vector512.FusedMultiplyAdd(x, Vector512.Create(weights[0]), a0);
                a1 = Vector512.FusedMultiplyAdd(x, Vector512.Create(weights[1]), a1);
                a2 = Vector512.FusedMultiplyAdd(x, Vector512.Create(weights[2]), a2);
                a3 = Vector512.FusedMultiplyAdd(x, Vector512.Create(weights[3]), a3);
                a4 = Vector512.FusedMultiplyAdd(x, Vector512.Create(weights[4]), a4);
                a5 = Vector512.FusedMultiplyAdd(x, Vector512.Create(weights[5]), a5);
                a6 = Vector512.FusedMultiplyAdd(x, Vector512.Create(weights[6]), a6);
                a7 = Vector512.FusedMultiplyAdd(x, Vector512.Create(weights[7]), a7);
            }
        }
        StorePartial(destination, a0, columns);
        if (validChannels > 1) StorePartial(destination + outputPlane, a1, columns);
        if (validChannels > 2) StorePartial(destination + 2 * outputPlane, a2, columns);
        if (validChannels > 3) StorePartial(destination + 3 * outputPlane, a3, columns);
        if (validChannels > 4) StorePartial(destination + 4 * outputPlane, a4, columns);
        if (validChannels > 5) StorePartial(destination + 5 * outputPlane, a5, columns);
        if (validChannels > 6) StorePartial(destination + 6 * outputPlane, a6, columns);
        if (validChannels > 7) StorePartial(destination + 7 * outputPlane, a7, columns);
    }

    /// <summary>
    /// Weight-gradient partial sums for 8 output channels (gradient lines g_j) × 3 "sources" (input lines), over
    /// <paramref name="rows"/> rows of <paramref name="strips"/> 16-column strips:
    /// partial[j·channelStride + k] += Σ_rows Σ_columns g_j[column] · x[column + sourceOffset_k].
    /// For a 3×3 kernel the three sources are the taps kx = 0, 1, 2 of one kernel row (offsets 0, d, 2d in the same
    /// padded line); for a 1×1 kernel they are three consecutive input channels (offsets 0, line, 2·line in the
    /// row-interleaved layout). Per strip: 8 aligned gradient loads and 3 input loads (2 of them line-splitting) feed
    /// 24 FMAs into 24 accumulators, FMA-bound. Lanes past the image width read zero gradients, so they add nothing.
    /// Sums run in float32 within the call (a few hundred terms per lane) and are added to the float64 partials
    /// once per call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Weights8x3(float* gradient, long gradientChannel, long gradientRow, float* input, long inputRow,
        long offset1, long offset2, int rows, int strips, double* partial, long channelStride, int validSources)
    {
        Vector512<float> a00 = default, a01 = default, a02 = default, a10 = default, a11 = default, a12 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a30 = default, a31 = default, a32 = default;
        Vector512<float> a40 = default, a41 = default, a42 = default, a50 = default, a51 = default, a52 = default;
        Vector512<float> a60 = default, a61 = default, a62 = default, a70 = default, a71 = default, a72 = default;
        for (int r = 0; r < rows; r++, gradient += gradientRow, input += inputRow)
        {
            float* g = gradient;
            float* x = input;
            for (int s = 0; s < strips; s++, g += Lanes, x += Lanes)
            {
                var x0 = Vector512.Load(x);
                var x1 = Vector512.Load(x + offset1);
                var x2 = Vector512.Load(x + offset2);
                // Each gradient vector is used at once by its three FMAs, so only one is live at a time.
                var gj = Vector512.Load(g);
                a00 = Vector512.FusedMultiplyAdd(gj, x0, a00); a01 = Vector512.FusedMultiplyAdd(gj, x1, a01); a02 = Vector512.FusedMultiplyAdd(gj, x2, a02);
                gj = Vector512.Load(g + gradientChannel);
                a10 = Vector512.FusedMultiplyAdd(gj, x0, a10); a11 = Vector512.FusedMultiplyAdd(gj, x1, a11); a12 = Vector512.FusedMultiplyAdd(gj, x2, a12);
                gj = Vector512.Load(g + 2 * gradientChannel);
                a20 = Vector512.FusedMultiplyAdd(gj, x0, a20); a21 = Vector512.FusedMultiplyAdd(gj, x1, a21); a22 = Vector512.FusedMultiplyAdd(gj, x2, a22);
                gj = Vector512.Load(g + 3 * gradientChannel);
                a30 = Vector512.FusedMultiplyAdd(gj, x0, a30); a31 = Vector512.FusedMultiplyAdd(gj, x1, a31); a32 = Vector512.FusedMultiplyAdd(gj, x2, a32);
                gj = Vector512.Load(g + 4 * gradientChannel);
                a40 = Vector512.FusedMultiplyAdd(gj, x0, a40); a41 = Vector512.FusedMultiplyAdd(gj, x1, a41); a42 = Vector512.FusedMultiplyAdd(gj, x2, a42);
                gj = Vector512.Load(g + 5 * gradientChannel);
                a50 = Vector512.FusedMultiplyAdd(gj, x0, a50); a51 = Vector512.FusedMultiplyAdd(gj, x1, a51); a52 = Vector512.FusedMultiplyAdd(gj, x2, a52);
                gj = Vector512.Load(g + 6 * gradientChannel);
                a60 = Vector512.FusedMultiplyAdd(gj, x0, a60); a61 = Vector512.FusedMultiplyAdd(gj, x1, a61); a62 = Vector512.FusedMultiplyAdd(gj, x2, a62);
                gj = Vector512.Load(g + 7 * gradientChannel);
                a70 = Vector512.FusedMultiplyAdd(gj, x0, a70); a71 = Vector512.FusedMultiplyAdd(gj, x1, a71); a72 = Vector512.FusedMultiplyAdd(gj, x2, a72);
            }
        }
        AddSums(partial, validSources, a00, a01, a02);
        AddSums(partial + channelStride, validSources, a10, a11, a12);
        AddSums(partial + 2 * channelStride, validSources, a20, a21, a22);
        AddSums(partial + 3 * channelStride, validSources, a30, a31, a32);
        AddSums(partial + 4 * channelStride, validSources, a40, a41, a42);
        AddSums(partial + 5 * channelStride, validSources, a50, a51, a52);
        AddSums(partial + 6 * channelStride, validSources, a60, a61, a62);
        AddSums(partial + 7 * channelStride, validSources, a70, a71, a72);
    }

    /// <summary>
    /// Prefetches <paramref name="lines"/> × 16 floats from <paramref name="ahead"/> in each of the kernel's rows
    /// (the span one strip's taps read). A no-op where the processor has no SSE prefetch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchKernelRows(float* ahead, long kernelRowStride, int kernelRows, int lines)
    {
        if (!Sse.IsSupported) return;
        for (int row = 0; row < kernelRows; row++, ahead += kernelRowStride)
            for (int line = 0; line < lines; line++)
                Sse.Prefetch0(ahead + line * Lanes);
    }

    private static void Store3(float* destination, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2)
    {
        s0.Store(destination);
        s1.Store(destination + Lanes);
        s2.Store(destination + 2 * Lanes);
    }

    /// <summary>Stores the first <paramref name="columns"/> lanes; a full strip is one vector store.</summary>
    private static void StorePartial(float* destination, Vector512<float> value, int columns)
    {
        if (columns == Lanes)
        {
            value.Store(destination);
            return;
        }
        for (int i = 0; i < columns; i++) destination[i] = value.GetElement(i);
    }

    /// <summary>Adds the lane sums of the first validSources accumulators, widened to float64 before summing.</summary>
    private static void AddSums(double* partial, int validSources, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2)
    {
        partial[0] += SumToDouble(s0);
        if (validSources > 1) partial[1] += SumToDouble(s1);
        if (validSources > 2) partial[2] += SumToDouble(s2);
    }

    /// <summary>The 16 lanes summed in float64 in a fixed order (lower half + upper half, then a tree).</summary>
    private static double SumToDouble(Vector512<float> value)
    {
        var (lower, upper) = Vector512.Widen(value);
        return Vector512.Sum(lower + upper);
    }
}
