using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NativeSeg.Engine.Cpu.Winograd;
using static NativeSeg.Engine.OperationContracts;

namespace NativeSeg.Engine.Cpu;

/// <summary>
/// A 1×1 convolution (+ output batch norm and ReLU) of a channels-last input (<see cref="CpuLayout.ChannelsLast"/>):
/// the input is then a [pixels × Cin] matrix already, so the convolution is one GEMM with the [Cin × Cout] kernel
/// (<see cref="WinogradTileGemm"/>, the kernel laid out by <see cref="WinogradWeightCache"/>), in chunks of
/// <see cref="ChunkPixels"/> pixels: no transpose of the input, which HighResNet2D's head would otherwise pay to
/// convert the last Winograd layer's output back to NCHW. The output is channels-last when Cout is a multiple of 16
/// (the head's 80 channels), else NCHW through 16×16 transposes (the classifier's 2 channels).
/// Each output is Σ_c x[c]·w[c] by FMAs in channel order: float32 rounding like the direct loop's, not its bits.
/// </summary>
[SkipLocalsInit]
internal static unsafe class PointwiseConvolution
{
    /// <summary>Pixels per work item: a multiple of the GEMM's 12-row block and of 16 (whole transposes).</summary>
    public const int ChunkPixels = 192;

    /// <summary>Whether this path applies: 1×1, channels-last input, no input stage and no residual.</summary>
    public static bool Applies(ConvolutionSizes s, bool inputChannelsLast, bool hasBefore, bool hasResidual) =>
        s.Kernel == 1 && inputChannelsLast && !hasBefore && !hasResidual;

    /// <summary>output = after(input · U) for [N, Cin, H, W] (channels-last) → [N, Cout, H, W].</summary>
    public static void Forward(CpuWorkers workers, CpuScratchPool scratch, ConvolutionSizes s, float* input, float* packed,
        ChannelNormalization? after, float* output, bool outputChannelsLast)
    {
        long pixels = (long)s.Batch * s.Height * s.Width;
        int outPadded = WinogradWeightCache.Padded(s.OutChannels);
        // The batch norm's constants padded to whole vectors (Cout = 2 would otherwise load past them).
        using var constants = scratch.Rent(3L * outPadded);
        var stage = after?.PaddedTo(s.OutChannels, outPadded, constants.Pointer);
        int chunks = checked((int)((pixels + ChunkPixels - 1) / ChunkPixels));
        workers.For(chunks, chunk =>
        {
            long first = (long)chunk * ChunkPixels;
            int count = (int)Math.Min(ChunkPixels, pixels - first);
            using var buffer = scratch.Rent((long)ChunkPixels * (s.InChannels + outPadded));
            float* rows = input + first * s.InChannels;
            if (count < ChunkPixels)
            {
                // The last chunk: GEMM rows past the image are zeros, in a copy (the input ends here).
                float* padded = buffer.Pointer + (long)ChunkPixels * outPadded;
                new ReadOnlySpan<float>(rows, count * s.InChannels).CopyTo(new Span<float>(padded, count * s.InChannels));
                new Span<float>(padded + (long)count * s.InChannels, (ChunkPixels - count) * s.InChannels).Clear();
                rows = padded;
            }
            float* products = buffer.Pointer;
            WinogradTileGemm.Multiply(rows, s.InChannels, packed, outPadded, products, outPadded, ChunkPixels, s.InChannels, outPadded);
            if (outputChannelsLast) StoreChannelsLast(products, outPadded, count, stage, output + first * s.OutChannels, s.OutChannels);
            else StorePlanar(s, products, outPadded, first, count, stage, output);
        });
    }

    /// <summary>Rows of [pixel][channel] products through the batch norm (+ ReLU) to a channels-last output (Cout = outPadded).</summary>
    private static void StoreChannelsLast(float* products, int outPadded, int count, ChannelNormalization? after, float* target, int channels)
    {
        for (int p = 0; p < count; p++)
        for (int o0 = 0; o0 < channels; o0 += 16)
            Normalize(Vector512.Load(products + (long)p * outPadded + o0), after, o0).Store(target + (long)p * channels + o0);
    }

    /// <summary>
    /// Products of pixels first … first + count − 1 to NCHW: per 16 pixels and 16 channels a transpose, then one store
    /// per channel where the 16 pixels are whole and in one image, else per pixel.
    /// </summary>
    private static void StorePlanar(ConvolutionSizes s, float* products, int outPadded, long first, int count,
        ChannelNormalization? after, float* output)
    {
        long plane = (long)s.Height * s.Width;
        Vector512<float>* block = stackalloc Vector512<float>[16];
        float* lanes = stackalloc float[16];
        for (int p0 = 0; p0 < count; p0 += 16)
        {
            int pixels = Math.Min(16, count - p0);
            long pixel = first + p0;
            long image = pixel / plane, inImage = pixel % plane;
            bool whole = pixels == 16 && inImage + 16 <= plane;
            for (int o0 = 0; o0 < s.OutChannels; o0 += 16)
            {
                for (int j = 0; j < 16; j++) block[j] = Normalize(Vector512.Load(products + (long)(p0 + j) * outPadded + o0), after, o0);
                Transpose16x16.InPlace(block);    // block[k] = channel o0 + k of the 16 pixels
                for (int k = 0; k < Math.Min(16, s.OutChannels - o0); k++)
                {
                    int o = o0 + k;
                    if (whole)
                    {
                        block[k].Store(output + (image * s.OutChannels + o) * plane + inImage);
                        continue;
                    }
                    block[k].Store(lanes);
                    for (int j = 0; j < pixels; j++)
                    {
                        long q = pixel + j;
                        output[(q / plane * s.OutChannels + o) * plane + q % plane] = lanes[j];
                    }
                }
            }
        }
    }

    /// <summary>The output stage on channels o0 … o0 + 15, if there is one.</summary>
    private static Vector512<float> Normalize(Vector512<float> value, ChannelNormalization? after, int o0) =>
        after is { } norm ? norm.Apply16(value, o0) : value;
}
