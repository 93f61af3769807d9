using ILGPU;

namespace NativeSeg.Kernels;

/// <summary>
/// Backward-data convolution, versions 3 and 4: the transposed convolution is itself a forward convolution, so it reuses
/// the fast forward kernel instead of a kernel of its own.
///
///   gradInput[n, i, y, x] = Σ_{o, ky, kx} W[o, i, ky, kx] · gradOutput[n, o, y − (ky−r)d, x − (kx−r)d]
///
/// Substituting ky' = K−1−ky turns −(ky−r) into +(ky'−r), so with W'[i, o, ky', kx'] = W[o, i, K−1−ky', K−1−kx']
/// (swap the two channel axes, rotate each kernel by 180°) the sum is the forward convolution of gradOutput by W'
/// with Cout input channels and Cin output channels, same dilation, same zero padding. The host runs
/// <see cref="FlipTransposeWeights"/> into scratch, then the forward kernel (V3 or V4 for 3×3, V1 or P2 for 1×1).
/// </summary>
public static class ConvolutionBackwardDataTransposedKernels
{
    /// <summary>
    /// flipped[i, o, ky, kx] = weights[o, i, K−1−ky, K−1−kx], one thread per element of flipped. g is the geometry
    /// of the original (forward) convolution; weights are [Cout, Cin, K, K].
    /// </summary>
    public static void FlipTransposeWeights(Index1D index, ArrayView<float> weights, ArrayView<float> flipped,
        ConvolutionGeometry g)
    {
        int k = g.Kernel;
        int taps = k * k;
        int kx = index % k;
        int ky = index / k % k;
        int o = index / taps % g.OutChannels;
        int i = index / (taps * g.OutChannels);
        flipped[index] = weights[(o * g.InChannels + i) * taps + (k - 1 - ky) * k + (k - 1 - kx)];
    }

    /// <summary>The geometry of the forward convolution that computes gradInput: channel counts swapped.</summary>
    public static ConvolutionGeometry TransposedGeometry(ConvolutionGeometry g) =>
        new(g.Batch, g.OutChannels, g.InChannels, g.Height, g.Width, g.Kernel, g.Dilation);
}
