using ILGPU;

namespace NativeSeg.Kernels;

/// <summary>
/// HighResNet's residual add: the skip has Cs ≤ C channels, zero-padded on the channel axis and centred at
/// channel offset ⌊(C − Cs)/2⌋.
/// </summary>
public static class ResidualKernels
{
    /// <summary>output = input + pad(skip), one thread per output element; in place on input is safe.</summary>
    public static void ResidualAddForward(Index1D index, ArrayView<float> input, ArrayView<float> skip, ArrayView<float> output,
        NchwGeometry g, int skipChannels, int offset)
    {
        int p = index % g.Plane;
        int c = index / g.Plane % g.Channels;
        int n = index / (g.Plane * g.Channels);
        int s = c - offset;
        float added = s >= 0 && s < skipChannels ? skip[(n * skipChannels + s) * g.Plane + p] : 0f;
        output[index] = input[index] + added;
    }

    /// <summary>gradSkip += gradOutput[:, offset .. offset + Cs], one thread per skip element (accumulates).</summary>
    public static void ResidualAddBackwardSkip(Index1D index, ArrayView<float> gradOutput, ArrayView<float> gradSkip,
        NchwGeometry g, int skipChannels, int offset)
    {
        int p = index % g.Plane;
        int s = index / g.Plane % skipChannels;
        int n = index / (g.Plane * skipChannels);
        gradSkip[index] += gradOutput[(n * g.Channels + s + offset) * g.Plane + p];
    }
}
