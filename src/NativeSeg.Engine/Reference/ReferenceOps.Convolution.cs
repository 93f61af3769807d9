using static NativeSeg.Engine.OperationContracts;

namespace NativeSeg.Engine.Reference;

/// <summary>
/// The oracle: every operation of <see cref="IBackend"/> as plain float64 loops over row-major NCHW arrays, written
/// for clarity rather than speed. Each forward sits beside its backward. The loops follow the formulas in the
/// <see cref="IBackend"/> comments literally, so a reader can check them line by line.
/// </summary>
public static partial class ReferenceOps
{
    /// <summary>
    /// output[n,o,y,x] = Σ_{i,ky,kx} weights[o,i,ky,kx] · input[n,i,y+(ky−r)·d, x+(kx−r)·d], zero outside the image;
    /// r = K/2 (1 for 3×3, 0 for 1×1), so the zero padding is r·d on each side and the output keeps the input size.
    /// </summary>
    public static void ConvolutionForward(ConvolutionSizes s, double[] input, double[] weights, double[] output)
    {
        int r = s.Kernel / 2;
        for (int n = 0; n < s.Batch; n++)
        for (int o = 0; o < s.OutChannels; o++)
        for (int y = 0; y < s.Height; y++)
        for (int x = 0; x < s.Width; x++)
        {
            double sum = 0;
            for (int i = 0; i < s.InChannels; i++)
            for (int ky = 0; ky < s.Kernel; ky++)
            for (int kx = 0; kx < s.Kernel; kx++)
            {
                int sy = y + (ky - r) * s.Dilation;
                int sx = x + (kx - r) * s.Dilation;
                if (!Inside(sy, sx, s.Height, s.Width)) continue;
                sum += weights[WeightIndex(s, o, i, ky, kx)] * input[ActivationIndex(n, i, sy, sx, s.InChannels, s.Height, s.Width)];
            }
            output[ActivationIndex(n, o, y, x, s.OutChannels, s.Height, s.Width)] = sum;
        }
    }

    /// <summary>
    /// gradInput[n,i,sy,sx] = Σ over every (o, y, x, ky, kx) whose forward term read input[n,i,sy,sx] of
    /// gradOutput[n,o,y,x] · weights[o,i,ky,kx]. Written as a gather: the pixel y that reads sy through tap ky is
    /// y = sy − (ky−r)·d, so this is the forward convolution with the kernel flipped and in/out channels swapped.
    /// </summary>
    public static void ConvolutionBackwardData(ConvolutionSizes s, double[] gradOutput, double[] weights, double[] gradInput)
    {
        int r = s.Kernel / 2;
        for (int n = 0; n < s.Batch; n++)
        for (int i = 0; i < s.InChannels; i++)
        for (int sy = 0; sy < s.Height; sy++)
        for (int sx = 0; sx < s.Width; sx++)
        {
            double sum = 0;
            for (int o = 0; o < s.OutChannels; o++)
            for (int ky = 0; ky < s.Kernel; ky++)
            for (int kx = 0; kx < s.Kernel; kx++)
            {
                int y = sy - (ky - r) * s.Dilation;
                int x = sx - (kx - r) * s.Dilation;
                if (!Inside(y, x, s.Height, s.Width)) continue;
                sum += gradOutput[ActivationIndex(n, o, y, x, s.OutChannels, s.Height, s.Width)] * weights[WeightIndex(s, o, i, ky, kx)];
            }
            gradInput[ActivationIndex(n, i, sy, sx, s.InChannels, s.Height, s.Width)] = sum;
        }
    }

    /// <summary>gradWeights[o,i,ky,kx] = Σ_{n,y,x} gradOutput[n,o,y,x] · input[n,i,y+(ky−r)·d, x+(kx−r)·d], summed over the batch.</summary>
    public static void ConvolutionBackwardWeights(ConvolutionSizes s, double[] input, double[] gradOutput, double[] gradWeights)
    {
        int r = s.Kernel / 2;
        for (int o = 0; o < s.OutChannels; o++)
        for (int i = 0; i < s.InChannels; i++)
        for (int ky = 0; ky < s.Kernel; ky++)
        for (int kx = 0; kx < s.Kernel; kx++)
        {
            double sum = 0;
            for (int n = 0; n < s.Batch; n++)
            for (int y = 0; y < s.Height; y++)
            for (int x = 0; x < s.Width; x++)
            {
                int sy = y + (ky - r) * s.Dilation;
                int sx = x + (kx - r) * s.Dilation;
                if (!Inside(sy, sx, s.Height, s.Width)) continue;
                sum += gradOutput[ActivationIndex(n, o, y, x, s.OutChannels, s.Height, s.Width)]
                     * input[ActivationIndex(n, i, sy, sx, s.InChannels, s.Height, s.Width)];
            }
            gradWeights[WeightIndex(s, o, i, ky, kx)] = sum;
        }
    }

    private static bool Inside(int y, int x, int height, int width) => y >= 0 && y < height && x >= 0 && x < width;

    private static int ActivationIndex(int n, int c, int y, int x, int channels, int height, int width) =>
        ((n * channels + c) * height + y) * width + x;

    private static int WeightIndex(ConvolutionSizes s, int o, int i, int ky, int kx) =>
        ((o * s.InChannels + i) * s.Kernel + ky) * s.Kernel + kx;
}
