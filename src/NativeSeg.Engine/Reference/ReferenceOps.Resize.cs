using static NativeSeg.Engine.OperationContracts;

namespace NativeSeg.Engine.Reference;

public static partial class ReferenceOps
{
    /// <summary>
    /// Bilinear resize of every N·C plane from inputHeight×inputWidth (described by s) to outputHeight×outputWidth.
    ///
    /// Pixel-centre convention (PyTorch's F.interpolate(mode='bilinear', align_corners=False), no antialias):
    /// pixel j of a row of length n covers [j, j+1) and has its centre at j + ½. Output pixel j maps to the input
    /// coordinate src = (j + ½)·(in/out) − ½, measured in input pixel indices. A negative src is clamped to 0 and
    /// the right neighbour is clamped to the last pixel, so the image edge is extended rather than zero-padded.
    /// When sizes are equal, src = j exactly and the resize is the identity. Downscaling does not average
    /// (no antialiasing): each output pixel reads only its two nearest input pixels per axis.
    /// </summary>
    public static void ResizeBilinearForward(NchwSizes s, int outputHeight, int outputWidth, double[] input, double[] output)
    {
        var rows = AxisTaps(s.Height, outputHeight);
        var columns = AxisTaps(s.Width, outputWidth);
        for (int plane = 0; plane < s.Batch * s.Channels; plane++)
        {
            int inBase = plane * s.Height * s.Width;
            int outBase = plane * outputHeight * outputWidth;
            for (int y = 0; y < outputHeight; y++)
            for (int x = 0; x < outputWidth; x++)
            {
                var (y0, y1, wy) = rows[y];
                var (x0, x1, wx) = columns[x];
                double top = (1 - wx) * input[inBase + y0 * s.Width + x0] + wx * input[inBase + y0 * s.Width + x1];
                double bottom = (1 - wx) * input[inBase + y1 * s.Width + x0] + wx * input[inBase + y1 * s.Width + x1];
                output[outBase + y * outputWidth + x] = (1 - wy) * top + wy * bottom;
            }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="ResizeBilinearForward"/>: every output pixel scatters its gradient back to the four
    /// input pixels it read, with the same weights. gradInput (described by s) is overwritten.
    /// </summary>
    public static void ResizeBilinearBackward(NchwSizes s, int outputHeight, int outputWidth, double[] gradOutput, double[] gradInput)
    {
        var rows = AxisTaps(s.Height, outputHeight);
        var columns = AxisTaps(s.Width, outputWidth);
        Array.Clear(gradInput);
        for (int plane = 0; plane < s.Batch * s.Channels; plane++)
        {
            int inBase = plane * s.Height * s.Width;
            int outBase = plane * outputHeight * outputWidth;
            for (int y = 0; y < outputHeight; y++)
            for (int x = 0; x < outputWidth; x++)
            {
                var (y0, y1, wy) = rows[y];
                var (x0, x1, wx) = columns[x];
                double g = gradOutput[outBase + y * outputWidth + x];
                gradInput[inBase + y0 * s.Width + x0] += (1 - wy) * (1 - wx) * g;
                gradInput[inBase + y0 * s.Width + x1] += (1 - wy) * wx * g;
                gradInput[inBase + y1 * s.Width + x0] += wy * (1 - wx) * g;
                gradInput[inBase + y1 * s.Width + x1] += wy * wx * g;
            }
        }
    }

    /// <summary>
    /// For every output index along one axis: the two input indices it reads and the weight of the second.
    /// src = (j + ½)·in/out − ½, clamped below at 0; i0 = ⌊src⌋ (at most in−1), i1 = min(i0 + 1, in − 1), w = src − i0.
    /// </summary>
    public static (int First, int Second, double SecondWeight)[] AxisTaps(int inputSize, int outputSize)
    {
        var taps = new (int, int, double)[outputSize];
        double scale = (double)inputSize / outputSize;
        for (int j = 0; j < outputSize; j++)
        {
            double source = Math.Max((j + 0.5) * scale - 0.5, 0.0);
            int first = Math.Min((int)Math.Floor(source), inputSize - 1);
            int second = Math.Min(first + 1, inputSize - 1);
            taps[j] = (first, second, source - first);
        }
        return taps;
    }
}
