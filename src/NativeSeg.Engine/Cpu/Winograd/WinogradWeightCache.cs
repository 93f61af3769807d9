using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NativeSeg.Engine.Tensors;

namespace NativeSeg.Engine.Cpu.Winograd;

/// <summary>
/// Kernels transformed for <see cref="WinogradConvolution"/>, computed once per weights tensor and kept as long as the
/// tensor lives. Layout U[position][inChannel][outChannel] (position = 6·row + column of the transformed tile), with
/// both channel counts rounded up to 16 and zero beyond the real ones, so each position is the [Cin × Cout] right-hand
/// matrix of its GEMM and a row of 16 output channels is one aligned-size vector.
///
/// A 1×1 kernel has one "position", the kernel itself: U[0][inChannel][outChannel], the right-hand matrix of
/// <see cref="PointwiseConvolution"/>'s GEMM (Winograd's transforms for a 1×1 kernel are the identity).
///
/// A weights tensor can change between calls (a training step, loading a checkpoint), so every lookup compares the
/// tensor's current values with the copy taken when the entry was made and transforms again if any differs: a
/// 64×64×3×3 kernel is 147 KB to compare, against milliseconds of convolution.
/// </summary>
internal sealed unsafe class WinogradWeightCache
{
    private readonly ConditionalWeakTable<Tensor, Entry> _entries = new();

    /// <summary>The transformed kernels of <paramref name="key"/> (values at <paramref name="weights"/>, [Cout, Cin, K, K], K = 3 or 1).</summary>
    public float* Get(Tensor key, float* weights, int outChannels, int inChannels, int kernel = 3)
    {
        var entry = _entries.GetValue(key, _ => new Entry());
        lock (entry)
        {
            var current = new ReadOnlySpan<float>(weights, outChannels * inChannels * kernel * kernel);
            if (entry.Source is null || !current.SequenceEqual(entry.Source))
            {
                entry.Source = current.ToArray();
                entry.Transformed = kernel == 1 ? Transpose(current, outChannels, inChannels) : Transform(current, outChannels, inChannels);
            }
            return (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(entry.Transformed!));
        }
    }

    /// <summary>Channels rounded up to whole 16-lane vectors.</summary>
    public static int Padded(int channels) => (channels + 15) / 16 * 16;

    /// <summary>U = G g Gᵀ for every (output, input) channel pair, in float64, rounded once to float32.</summary>
    internal static float[] Transform(ReadOnlySpan<float> weights, int outChannels, int inChannels)
    {
        // Pinned: the convolution keeps a raw pointer while it runs.
        var u = GC.AllocateArray<float>(TransformedLength(outChannels, inChannels), pinned: true);
        TransformInto(weights, outChannels, inChannels, transposeAndFlip: false, u);
        return u;
    }

    /// <summary>Floats of the transformed kernels of a [Cout, Cin, 3, 3] tensor (either orientation).</summary>
    internal static int TransformedLength(int outChannels, int inChannels) =>
        WinogradTransforms.Positions * Padded(inChannels) * Padded(outChannels);

    /// <summary>
    /// The transformed kernels of [Cout, Cin, 3, 3] <paramref name="weights"/> into <paramref name="u"/> (every value
    /// written, padding zero). Plainly, for the Cin → Cout convolution itself: U[p][i][o] = (G·w[o, i]·Gᵀ)[p]. With
    /// <paramref name="transposeAndFlip"/>, for the Cout → Cin convolution that is its backward-data pass (the
    /// kernels transposed and turned by 180°, see <see cref="CpuConvolution.BackwardData"/>):
    /// U[p][o][i] = (G·rot180(w[o, i])·Gᵀ)[p]. Training transforms into scratch on every call, since its weights
    /// change every step; no cache entry is kept for them.
    /// </summary>
    internal static void TransformInto(ReadOnlySpan<float> weights, int outChannels, int inChannels, bool transposeAndFlip, Span<float> u)
    {
        int inPadded = Padded(inChannels), outPadded = Padded(outChannels);
        u[..TransformedLength(outChannels, inChannels)].Clear();
        Span<double> kernel = stackalloc double[9];
        Span<double> transformed = stackalloc double[WinogradTransforms.Positions];
        for (int o = 0; o < outChannels; o++)
        for (int i = 0; i < inChannels; i++)
        {
            // Flipping both spatial axes reverses the row-major tap index.
            for (int t = 0; t < 9; t++) kernel[t] = weights[(o * inChannels + i) * 9 + (transposeAndFlip ? 8 - t : t)];
            WinogradTransforms.Kernel(kernel, transformed);
            for (int p = 0; p < WinogradTransforms.Positions; p++)
            {
                long index = transposeAndFlip ? ((long)p * outPadded + o) * inPadded + i : ((long)p * inPadded + i) * outPadded + o;
                u[(int)index] = (float)transformed[p];
            }
        }
    }

    /// <summary>A 1×1 kernel [Cout, Cin] as U[inChannel][outChannel], padded like <see cref="Transform"/>.</summary>
    internal static float[] Transpose(ReadOnlySpan<float> weights, int outChannels, int inChannels)
    {
        int inPadded = Padded(inChannels), outPadded = Padded(outChannels);
        var u = GC.AllocateArray<float>(inPadded * outPadded, pinned: true);
        for (int o = 0; o < outChannels; o++)
        for (int i = 0; i < inChannels; i++)
            u[(long)i * outPadded + o] = weights[o * inChannels + i];
        return u;
    }

    private sealed class Entry
    {
        public float[]? Source;
        public float[]? Transformed;
    }
}
