using ILGPU;

namespace NativeSeg.Kernels;

/// <summary>
/// Convolution, 3×3 dilated ("same" zero padding = dilation) or 1×1, no bias; forward and both backward passes.
/// Every output element is a sum in one fixed order (input channel, then kernel row, then kernel column), so each
/// version below gives the same result run after run.
/// </summary>
public static class ConvolutionKernels
{
    // ---- Forward ----

    /// <summary>
    /// Version 1 (naive, any K): one thread per output element [n, o, y, x], reading input and weights straight
    /// from global memory. The yardstick every faster version is checked against.
    /// </summary>
    public static void ConvolutionForwardV1(Index1D index, ArrayView<float> input, ArrayView<float> weights,
        ArrayView<float> output, ConvolutionGeometry g)
    {
        int plane = g.Plane;
        int x = index % g.Width;
        int y = index / g.Width % g.Height;
        int o = index / plane % g.OutChannels;
        int n = index / (plane * g.OutChannels);
        int taps = g.Kernel * g.Kernel;
        float sum = 0;
        for (int i = 0; i < g.InChannels; i++)
        {
            int inputBase = (n * g.InChannels + i) * plane;
            int weightBase = (o * g.InChannels + i) * taps;
            for (int ky = 0; ky < g.Kernel; ky++)
            {
                int sy = y + (ky - g.Radius) * g.Dilation;
                if (sy < 0 || sy >= g.Height) continue;
                for (int kx = 0; kx < g.Kernel; kx++)
                {
                    int sx = x + (kx - g.Radius) * g.Dilation;
                    if (sx < 0 || sx >= g.Width) continue;
                    sum += weights[weightBase + ky * g.Kernel + kx] * input[inputBase + sy * g.Width + sx];
                }
            }
        }
        output[index] = sum;
    }

    // ---- Backward ----

    /// <summary>
    /// gradInput[n, i, y, x] = Σ_{o, ky, kx} weights[o, i, ky, kx] · gradOutput[n, o, y − (ky−r)·d, x − (kx−r)·d]:
    /// the transposed convolution as a gather, one thread per input element, so no two threads write one element.
    /// </summary>
    public static void ConvolutionBackwardData(Index1D index, ArrayView<float> gradOutput, ArrayView<float> weights,
        ArrayView<float> gradInput, ConvolutionGeometry g)
    {
        int plane = g.Plane;
        int x = index % g.Width;
        int y = index / g.Width % g.Height;
        int i = index / plane % g.InChannels;
        int n = index / (plane * g.InChannels);
        int taps = g.Kernel * g.Kernel;
        float sum = 0;
        for (int o = 0; o < g.OutChannels; o++)
        {
            int gradBase = (n * g.OutChannels + o) * plane;
            int weightBase = (o * g.InChannels + i) * taps;
            for (int ky = 0; ky < g.Kernel; ky++)
            {
                int sy = y - (ky - g.Radius) * g.Dilation;
                if (sy < 0 || sy >= g.Height) continue;
                for (int kx = 0; kx < g.Kernel; kx++)
                {
                    int sx = x - (kx - g.Radius) * g.Dilation;
                    if (sx < 0 || sx >= g.Width) continue;
                    sum += weights[weightBase + ky * g.Kernel + kx] * gradOutput[gradBase + sy * g.Width + sx];
                }
            }
        }
        gradInput[index] = sum;
    }

    /// <summary>Shared memory of one backward-weights group: one accumulator column per tap (9 KB for 3×3).</summary>
    public const int BackwardWeightsSharedBytes = 9 * KernelConstants.MaxGroupSize * sizeof(float);

    /// <summary>
    /// Stage 1 of gradWeights[o, i, ky, kx] = Σ_{n, y, x} gradOutput[n, o, y, x] · input[n, i, y+(ky−r)d, x+(kx−r)d].
    /// Segment = one (o, i) pair: the group computes all K·K taps at once, so each gradOutput value is read once
    /// for 9 products and one tree (one barrier per level) reduces the 9 tap sums together. Thread t keeps its 9
    /// running sums in shared column t (its own, so no conflicts). Partials are [segment, slice, tap]; stage 2 is
    /// <see cref="ReductionKernels.SumPartials"/> with K·K sums per (segment, slice), adding slices in order.
    /// </summary>
    public static void ConvolutionBackwardWeightsPartials(ArrayView<float> input, ArrayView<float> gradOutput,
        ArrayView<float> partials, ConvolutionGeometry g, ReductionLayout layout)
    {
        var sums = SharedMemory.Allocate<float>(9 * KernelConstants.MaxGroupSize);
        int segment = Grid.IdxX / layout.Slices;
        int slice = Grid.IdxX % layout.Slices;
        int i = segment % g.InChannels;
        int o = segment / g.InChannels;
        int taps = g.Kernel * g.Kernel;
        int plane = g.Plane;
        int t = Group.IdxX;
        int width = Group.DimX;
        for (int tap = 0; tap < taps; tap++) sums[tap * width + t] = 0f;

        int end = ReductionKernels.SliceEnd(layout, slice);
        for (int k = ReductionKernels.SliceStart(layout, slice) + t; k < end; k += width)
        {
            int n = k / plane;
            int p = k % plane;
            int y = p / g.Width;
            int x = p % g.Width;
            float dy = gradOutput[(n * g.OutChannels + o) * plane + p];
            int inputBase = (n * g.InChannels + i) * plane;
            for (int ky = 0; ky < g.Kernel; ky++)
            {
                int sy = y + (ky - g.Radius) * g.Dilation;
                if (sy < 0 || sy >= g.Height) continue;
                for (int kx = 0; kx < g.Kernel; kx++)
                {
                    int sx = x + (kx - g.Radius) * g.Dilation;
                    if (sx < 0 || sx >= g.Width) continue;
                    sums[(ky * g.Kernel + kx) * width + t] += dy * input[inputBase + sy * g.Width + sx];
                }
            }
        }
        Group.Barrier();
        for (int stride = width / 2; stride > 0; stride >>= 1)
        {
            if (t < stride)
            {
                for (int tap = 0; tap < taps; tap++) sums[tap * width + t] += sums[tap * width + t + stride];
            }
            Group.Barrier();
        }
        if (t < taps) partials[Grid.IdxX * taps + t] = sums[t * width];
    }
}
