using System.Runtime.CompilerServices;
using NativeSeg.Engine.Cpu.Winograd;
using static NativeSeg.Engine.OperationContracts;

namespace NativeSeg.Engine.Cpu;

/// <summary>
/// The two backward passes of a 1×1 convolution whose input is channels-last (<see cref="CpuLayout.ChannelsLast"/>),
/// the training counterpart of <see cref="PointwiseConvolution"/>: with the input a [pixels × Cin] matrix X, the
/// output gradient a [pixels × Cout] matrix D and the kernel W [Cout × Cin],
///
///     ∂L/∂X = D · W          (a GEMM, written channels-last, so the ReLU and batch norm before it need no transpose)
///     ∂L/∂W = Dᵀ · X         (outer products summed over the pixels).
///
/// D is read in place when it is channels-last; otherwise (the classifier's 2-channel gradient, which cannot be held
/// channels-last) each chunk of pixels is gathered into a zero-padded [pixels × 16] staging first.
///
/// The weight gradient sums like <see cref="WinogradWeightGradient"/>: a fixed number of contiguous pixel groups, float32
/// sums over one chunk flushed into the group's float64 partial, the groups added in order in float64 and rounded once,
/// so the result is bit-for-bit the same for any thread count.
/// </summary>
[SkipLocalsInit]
internal static unsafe class PointwiseConvolutionBackward
{
    /// <summary>Pixels per chunk (the forward's: a multiple of the GEMM's 12-row block).</summary>
    private const int ChunkPixels = PointwiseConvolution.ChunkPixels;

    /// <summary>Fixed number of partial-sum groups (independent of the thread count).</summary>
    private const int Groups = 16;

    /// <summary>Whether the passes apply: a 1×1 kernel and input channels in whole vectors (the input is channels-last).</summary>
    public static bool Applies(ConvolutionSizes s) => s.Kernel == 1 && s.InChannels % 16 == 0;

    /// <summary>
    /// gradInput (channels-last [N, Cin, H, W]) = D · W for <paramref name="weights"/> [Cout, Cin]; D is
    /// <paramref name="gradOutput"/>, channels-last when <paramref name="gradOutputChannelsLast"/>, else NCHW.
    /// </summary>
    public static void BackwardData(CpuWorkers workers, CpuScratchPool scratch, ConvolutionSizes s, float* gradOutput,
        bool gradOutputChannelsLast, float* weights, float* gradInput)
    {
        RequireChannelsLastInput(s);
        int outPadded = WinogradWeightCache.Padded(s.OutChannels), inChannels = s.InChannels;
        long pixels = (long)s.Batch * s.Height * s.Width;
        // The right-hand matrix W [Cout × Cin], its rows padded to outPadded with zeros (they meet D's zero columns).
        using var packed = scratch.Rent((long)outPadded * inChannels);
        var u = new Span<float>(packed.Pointer, outPadded * inChannels);
        new ReadOnlySpan<float>(weights, s.OutChannels * inChannels).CopyTo(u);
        u[(s.OutChannels * inChannels)..].Clear();
        float* w = packed.Pointer;
        int chunks = checked((int)((pixels + ChunkPixels - 1) / ChunkPixels));
        workers.For(chunks, chunk =>
        {
            long first = (long)chunk * ChunkPixels;
            int count = (int)Math.Min(ChunkPixels, pixels - first);
            using var buffer = scratch.Rent((long)ChunkPixels * (outPadded + inChannels));
            float* staged = buffer.Pointer, products = staged + (long)ChunkPixels * outPadded;
            float* rows = StageGradient(s, gradOutput, gradOutputChannelsLast, first, count, staged, outPadded);
            // A whole chunk lands straight in the output; the last one goes through the buffer (the GEMM writes 12-row blocks).
            float* target = count == ChunkPixels ? gradInput + first * inChannels : products;
            WinogradTileGemm.Multiply(rows, outPadded, w, inChannels, target, inChannels, ChunkPixels, outPadded, inChannels);
            if (target == products)
                new ReadOnlySpan<float>(products, count * inChannels).CopyTo(new Span<float>(gradInput + first * inChannels, count * inChannels));
        });
    }

    /// <summary>gradWeights [Cout, Cin] = Dᵀ · X for the channels-last <paramref name="input"/> and D as in <see cref="BackwardData"/>.</summary>
    public static void WeightGradient(CpuWorkers workers, CpuScratchPool scratch, ConvolutionSizes s, float* input, float* gradOutput,
        bool gradOutputChannelsLast, float* gradWeights)
    {
        RequireChannelsLastInput(s);
        int outPadded = WinogradWeightCache.Padded(s.OutChannels), inChannels = s.InChannels;
        long pixels = (long)s.Batch * s.Height * s.Width;
        long sumsLength = (long)outPadded * inChannels;
        long chunks = (pixels + ChunkPixels - 1) / ChunkPixels;
        int groups = (int)Math.Min(Groups, chunks);
        using var partials = scratch.Rent(groups * sumsLength * 2);   // float64 = two floats
        double* partial = (double*)partials.Pointer;
        workers.For(groups, group =>
        {
            double* mine = partial + group * sumsLength;
            new Span<double>(mine, checked((int)sumsLength)).Clear();
            using var buffer = scratch.Rent(sumsLength + (long)ChunkPixels * outPadded);
            float* sums = buffer.Pointer, staged = sums + sumsLength;
            new Span<float>(sums, checked((int)sumsLength)).Clear();
            long firstChunk = group * chunks / groups, endChunk = (group + 1) * chunks / groups;
            for (long chunk = firstChunk; chunk < endChunk; chunk++)
            {
                long first = chunk * ChunkPixels;
                int count = (int)Math.Min(ChunkPixels, pixels - first);
                float* rows = StageGradient(s, gradOutput, gradOutputChannelsLast, first, count, staged, outPadded);
                OuterProductGemm.Accumulate(rows, outPadded, input + first * inChannels, inChannels, sums, inChannels, count, outPadded, inChannels);
                OuterProductGemm.FlushInto(sums, mine, sumsLength);
            }
        });
        workers.ForChunks(s.OutChannels * inChannels, 1024, (start, count) =>
        {
            for (int pair = start; pair < start + count; pair++)
            {
                int o = pair / inChannels, i = pair % inChannels;
                double sum = 0;
                for (int group = 0; group < groups; group++) sum += partial[group * sumsLength + (long)o * inChannels + i];
                gradWeights[pair] = (float)sum;
            }
        });
    }

    /// <summary>
    /// D's rows first … first + count − 1 as [pixel][outPadded] rows, zero past count up to a whole chunk: in place when
    /// D is channels-last and the chunk is whole, else gathered into <paramref name="staged"/>.
    /// </summary>
    private static float* StageGradient(ConvolutionSizes s, float* gradOutput, bool channelsLast, long first, int count,
        float* staged, int outPadded)
    {
        if (channelsLast && count == ChunkPixels) return gradOutput + first * s.OutChannels;
        new Span<float>(staged, ChunkPixels * outPadded).Clear();
        if (channelsLast)
        {
            new ReadOnlySpan<float>(gradOutput + first * s.OutChannels, count * s.OutChannels)
                .CopyTo(new Span<float>(staged, count * s.OutChannels));
            return staged;
        }
        long plane = (long)s.Height * s.Width;
        for (int j = 0; j < count; j++)
        {
            long pixel = first + j, image = pixel / plane, inImage = pixel % plane;
            for (int o = 0; o < s.OutChannels; o++)
                staged[(long)j * outPadded + o] = gradOutput[(image * s.OutChannels + o) * plane + inImage];
        }
        return staged;
    }

    private static void RequireChannelsLastInput(ConvolutionSizes s)
    {
        if (!Applies(s))
            throw new ArgumentException($"the pointwise backward passes need a 1×1 kernel and input channels in multiples of 16 (got {s}).");
    }
}
