namespace NativeSeg.Imaging.Preprocessing;

/// <summary>
/// Bilinear resampling with PyTorch's <c>F.interpolate(mode="bilinear", align_corners=False)</c> convention:
/// pixel centres sit at half-integers, so output index o samples the input at s = (o + 0.5)·(in/out) − 0.5;
/// s below 0 is clamped to 0 and the right/bottom neighbour is clamped to the last pixel (edge clamp).
/// The same routine maps the network's 296×216 output back onto a crop box (the inverse direction).
/// </summary>
public static class BilinearResize
{
    /// <summary>The two source indices and the weight of the second, per output index along one axis.</summary>
    internal readonly record struct AxisTable(int[] Index0, int[] Index1, float[] Weight1);

    internal static AxisTable Table(int inputSize, int outputSize)
    {
        var i0 = new int[outputSize];
        var i1 = new int[outputSize];
        var w1 = new float[outputSize];
        double scale = (double)inputSize / outputSize;
        for (int o = 0; o < outputSize; o++)
        {
            double s = Math.Max((o + 0.5) * scale - 0.5, 0);
            int first = Math.Min((int)s, inputSize - 1);
            i0[o] = first;
            i1[o] = Math.Min(first + 1, inputSize - 1);
            w1[o] = (float)(s - first);
        }
        return new AxisTable(i0, i1, w1);
    }

    /// <summary>
    /// Resamples the region <paramref name="box"/> of <paramref name="source"/> (row-major, width
    /// <paramref name="sourceWidth"/>) to <paramref name="outputWidth"/> × <paramref name="outputHeight"/>.
    /// </summary>
    public static void Resize(ReadOnlySpan<float> source, int sourceWidth, CropBox box, Span<float> output, int outputWidth, int outputHeight)
    {
        if (output.Length < outputWidth * outputHeight)
            throw new ArgumentException($"output holds {output.Length} values, needs {outputWidth}×{outputHeight}.");
        if (box.Left < 0 || box.Top < 0 || box.Width <= 0 || box.Height <= 0 || box.Right >= sourceWidth || (long)(box.Bottom + 1) * sourceWidth > source.Length)
            throw new ArgumentException($"box {box} does not fit a source of width {sourceWidth} and {source.Length} values.");
        var columns = Table(box.Width, outputWidth);
        var rows = Table(box.Height, outputHeight);
        for (int r = 0; r < outputHeight; r++)
        {
            var top = source.Slice((box.Top + rows.Index0[r]) * sourceWidth + box.Left, box.Width);
            var bottom = source.Slice((box.Top + rows.Index1[r]) * sourceWidth + box.Left, box.Width);
            float wy = rows.Weight1[r];
            var line = output.Slice(r * outputWidth, outputWidth);
            for (int c = 0; c < outputWidth; c++)
            {
                int c0 = columns.Index0[c], c1 = columns.Index1[c];
                float wx = columns.Weight1[c];
                float upper = top[c0] + wx * (top[c1] - top[c0]);
                float lower = bottom[c0] + wx * (bottom[c1] - bottom[c0]);
                line[c] = upper + wy * (lower - upper);
            }
        }
    }
}
