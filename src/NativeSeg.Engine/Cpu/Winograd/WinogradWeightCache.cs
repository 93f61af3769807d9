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
        int inPadded = Padded(inChannels), outPadded = Padded(outChannels);
        // Pinned: the convolution keeps a raw pointer while it runs.
        var u = GC.AllocateArray<float>(WinogradTransforms.Positions * inPadded * outPadded, pinned: true);
        Span<double> kernel = stackalloc double[9];
        Span<double> transformed = stackalloc double[WinogradTransforms.Positions];
        for (int o = 0; o < outChannels; o++)
        for (int i = 0; i < inChannels; i++)
        {
            for (int t = 0; t < 9; t++) kernel[t] = weights[(o * inChannels + i) * 9 + t];
            WinogradTransforms.Kernel(kernel, transformed);
            for (int p = 0; p < WinogradTransforms.Positions; p++)
                u[((long)p * inPadded + i) * outPadded + o] = (float)transformed[p];
        }
        return u;
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
