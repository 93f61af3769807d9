using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NativeSeg.Engine.Cpu.Winograd;

namespace NativeSeg.Engine.Cpu;

/// <summary>
/// Converts a <see cref="CpuTensor"/> between <see cref="CpuLayout.Planar"/> (NCHW) and
/// <see cref="CpuLayout.ChannelsLast"/> (NHWC) in place: one pass through 16×16 register transposes
/// (<see cref="Transpose16x16"/>) into a scratch buffer, then a contiguous copy back. A conversion moves values only,
/// so converting there and back gives the same bits.
/// </summary>
[SkipLocalsInit]
internal static unsafe class ChannelsLastConversion
{
    /// <summary>Whether a tensor of this shape may be held channels-last: rank 4 with C a multiple of 16.</summary>
    public static bool Supports(Tensors.TensorShape shape) => shape.Rank == 4 && shape.C > 0 && shape.C % 16 == 0;

    /// <summary>Re-lays <paramref name="tensor"/> out as <paramref name="layout"/> (nothing to do when it already is).</summary>
    public static void Convert(CpuWorkers workers, CpuScratchPool scratch, CpuTensor tensor, CpuLayout layout)
    {
        if (tensor.Layout == layout) return;
        var shape = tensor.Shape;
        if (!Supports(shape))
            throw new InvalidOperationException($"{tensor} cannot be held channels-last (C must be a multiple of 16).");
        using var buffer = scratch.Rent(tensor.Length);
        float* values = tensor.Pointer, converted = buffer.Pointer;
        int n = shape.N, c = shape.C, h = shape.H, w = shape.W;
        if (layout == CpuLayout.ChannelsLast)
            workers.For(n * h, row => PlanarRowToChannelsLast(values, converted, row / h, row % h, c, h, w));
        else
            workers.For(n * h, row => ChannelsLastRowToPlanar(values, converted, row / h, row % h, c, h, w));
        workers.ForChunks(tensor.Length, 1 << 16, (start, count) =>
            new ReadOnlySpan<float>(converted + start, count).CopyTo(new Span<float>(values + start, count)));
        tensor.Layout = layout;
    }

    /// <summary>Image n, row y: planar [n][c][y][x] → channels-last [n][y][x][c], 16 channels × 16 columns per transpose.</summary>
    private static void PlanarRowToChannelsLast(float* planar, float* channelsLast, int n, int y, int channels, int height, int width)
    {
        Vector512<float>* block = stackalloc Vector512<float>[16];
        long plane = (long)height * width;
        float* targetRow = channelsLast + ((long)n * height + y) * width * channels;
        for (int c0 = 0; c0 < channels; c0 += 16)
        {
            float* sourceRow = planar + ((long)n * channels + c0) * plane + (long)y * width;
            for (int x0 = 0; x0 < width; x0 += 16)
            {
                int columns = Math.Min(16, width - x0);
                for (int k = 0; k < 16; k++) block[k] = LoadColumns(sourceRow + k * plane + x0, columns);
                Transpose16x16.InPlace(block);    // block[j] = the 16 channels of column x0 + j
                for (int j = 0; j < columns; j++) block[j].Store(targetRow + (long)(x0 + j) * channels + c0);
            }
        }
    }

    /// <summary>Image n, row y: channels-last [n][y][x][c] → planar [n][c][y][x].</summary>
    private static void ChannelsLastRowToPlanar(float* channelsLast, float* planar, int n, int y, int channels, int height, int width)
    {
        Vector512<float>* block = stackalloc Vector512<float>[16];
        float* tail = stackalloc float[16];
        long plane = (long)height * width;
        float* sourceRow = channelsLast + ((long)n * height + y) * width * channels;
        for (int c0 = 0; c0 < channels; c0 += 16)
        {
            float* targetRow = planar + ((long)n * channels + c0) * plane + (long)y * width;
            for (int x0 = 0; x0 < width; x0 += 16)
            {
                int columns = Math.Min(16, width - x0);
                for (int j = 0; j < 16; j++)
                    block[j] = j < columns ? Vector512.Load(sourceRow + (long)(x0 + j) * channels + c0) : Vector512<float>.Zero;
                Transpose16x16.InPlace(block);    // block[k] = channel c0 + k at columns x0 … x0 + 15
                for (int k = 0; k < 16; k++)
                {
                    float* target = targetRow + k * plane + x0;
                    if (columns == 16) block[k].Store(target);
                    else
                    {
                        block[k].Store(tail);
                        new ReadOnlySpan<float>(tail, columns).CopyTo(new Span<float>(target, columns));
                    }
                }
            }
        }
    }

    /// <summary>16 floats from <paramref name="source"/>, lanes from <paramref name="count"/> on zero (no read past the row).</summary>
    private static Vector512<float> LoadColumns(float* source, int count)
    {
        if (count == 16) return Vector512.Load(source);
        float* lanes = stackalloc float[16];
        new Span<float>(lanes, 16).Clear();
        new ReadOnlySpan<float>(source, count).CopyTo(new Span<float>(lanes, count));
        return Vector512.Load(lanes);
    }
}
