using System.Buffers;
using System.Numerics.Tensors;
using static NativeSeg.Engine.OperationContracts;

namespace NativeSeg.Engine.Cpu;

/// <summary>
/// Bilinear resize with half-pixel centres and clamped edges (PyTorch's align_corners=False, no antialias), and its
/// adjoint. Bilinear interpolation is separable: the vertical blend of two whole input rows is a vectorised
/// a·row0 + b·row1, and only the horizontal gather per output column is scalar.
/// </summary>
internal static unsafe class CpuResize
{
    private const int RowsPerItem = 16;

    public static void Forward(CpuWorkers workers, NchwSizes s, int outputHeight, int outputWidth, float* input, float* output)
    {
        var rows = AxisTaps(s.Height, outputHeight);
        var columns = AxisTaps(s.Width, outputWidth);
        int planes = s.Batch * s.Channels;
        int bands = (outputHeight + RowsPerItem - 1) / RowsPerItem;
        workers.For(planes * bands, item =>
        {
            int plane = item / bands, y0 = item % bands * RowsPerItem, y1 = Math.Min(outputHeight, y0 + RowsPerItem);
            float* source = input + (long)plane * s.Plane;
            float* target = output + (long)plane * outputHeight * outputWidth;
            float[] blended = ArrayPool<float>.Shared.Rent(s.Width);
            var row = blended.AsSpan(0, s.Width);
            for (int y = y0; y < y1; y++)
            {
                var (top, bottom, wy) = rows[y];
                // row = (1 − wy)·input[top] + wy·input[bottom]
                TensorPrimitives.Multiply(new ReadOnlySpan<float>(source + (long)top * s.Width, s.Width), 1 - wy, row);
                TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(source + (long)bottom * s.Width, s.Width), wy, row, row);
                float* outRow = target + (long)y * outputWidth;
                for (int x = 0; x < outputWidth; x++)
                {
                    var (left, right, wx) = columns[x];
                    outRow[x] = (1 - wx) * row[left] + wx * row[right];
                }
            }
            ArrayPool<float>.Shared.Return(blended);
        });
    }

    /// <summary>
    /// The adjoint, one plane per work item (a plane's scatter stays in one thread, in a fixed order): each output row
    /// is first scattered horizontally into a row buffer, which is then added to its two input rows with vectorised
    /// multiply-adds.
    /// </summary>
    public static void Backward(CpuWorkers workers, NchwSizes s, int outputHeight, int outputWidth, float* gradOutput, float* gradInput)
    {
        var rows = AxisTaps(s.Height, outputHeight);
        var columns = AxisTaps(s.Width, outputWidth);
        workers.For(s.Batch * s.Channels, plane =>
        {
            float* source = gradOutput + (long)plane * outputHeight * outputWidth;
            float* target = gradInput + (long)plane * s.Plane;
            new Span<float>(target, s.Plane).Clear();
            float[] scattered = ArrayPool<float>.Shared.Rent(s.Width);
            var row = scattered.AsSpan(0, s.Width);
            for (int y = 0; y < outputHeight; y++)
            {
                row.Clear();
                float* outRow = source + (long)y * outputWidth;
                for (int x = 0; x < outputWidth; x++)
                {
                    var (left, right, wx) = columns[x];
                    row[left] += (1 - wx) * outRow[x];
                    row[right] += wx * outRow[x];
                }
                var (top, bottom, wy) = rows[y];
                var topRow = new Span<float>(target + (long)top * s.Width, s.Width);
                var bottomRow = new Span<float>(target + (long)bottom * s.Width, s.Width);
                TensorPrimitives.MultiplyAdd(row, 1 - wy, topRow, topRow);
                TensorPrimitives.MultiplyAdd(row, wy, bottomRow, bottomRow);
            }
            ArrayPool<float>.Shared.Return(scattered);
        });
    }

    /// <summary>
    /// Per output index along one axis: the two input indices read and the weight of the second.
    /// src = (j + ½)·in/out − ½ clamped below at 0 (computed in float64), i0 = ⌊src⌋ ≤ in − 1, i1 = min(i0 + 1, in − 1).
    /// </summary>
    private static (int First, int Second, float SecondWeight)[] AxisTaps(int inputSize, int outputSize)
    {
        var taps = new (int, int, float)[outputSize];
        double scale = (double)inputSize / outputSize;
        for (int j = 0; j < outputSize; j++)
        {
            double source = Math.Max((j + 0.5) * scale - 0.5, 0.0);
            int first = Math.Min((int)Math.Floor(source), inputSize - 1);
            taps[j] = (first, Math.Min(first + 1, inputSize - 1), (float)(source - first));
        }
        return taps;
    }
}
