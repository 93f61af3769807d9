using NativeSeg.IO;
using NativeSeg.Model.Weights;

namespace NativeSeg.Model.Training;

/// <summary>
/// Starts a network that sees neighbouring slices (<see cref="Imaging.Preprocessing.SliceContext"/>, 3 input channels)
/// from a trained single-slice one: the first convolution's kernel gains two input channels of zeros, so the widened
/// network computes exactly what the trained one did (the neighbours are multiplied by 0) until training gives them
/// weight. Everything after the first convolution is unchanged. Adam's moments of that kernel, when a checkpoint's are
/// kept, widen the same way: zero for the new weights, as for a parameter that has never had a gradient.
/// </summary>
public static class InputWidening
{
    /// <summary>The one tensor whose shape depends on the input channels: conv_0's kernel, 16 × Cin × 3 × 3.</summary>
    public const string FirstKernel = "conv_0.conv.weight";

    private static readonly string[] KernelAndMoments =
        [FirstKernel, TensorNaming.FirstMomentPrefix + FirstKernel, TensorNaming.SecondMomentPrefix + FirstKernel];

    /// <summary>
    /// The tensors (network and, optionally, moments) with <see cref="FirstKernel"/> and its moments widened from
    /// <paramref name="fromChannels"/> to <paramref name="toChannels"/> input channels; every other tensor as it was.
    /// </summary>
    public static Dictionary<string, float[]> Widen(IReadOnlyDictionary<string, float[]> tensors, int fromChannels, int toChannels, string path)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (fromChannels < 1 || toChannels <= fromChannels)
            throw new ArgumentOutOfRangeException(nameof(toChannels), $"Widening goes from ≥ 1 to more channels, not {fromChannels} → {toChannels}.");
        var widened = new Dictionary<string, float[]>(tensors, StringComparer.Ordinal);
        foreach (string name in KernelAndMoments)
            if (tensors.TryGetValue(name, out var kernel))
                widened[name] = WidenKernel(kernel, fromChannels, toChannels, name, path);
        return widened;
    }

    /// <summary>out × from × k × k → out × to × k × k, the new input channels zero.</summary>
    private static float[] WidenKernel(float[] kernel, int fromChannels, int toChannels, string name, string path)
    {
        const int Taps = 3 * 3;
        if (kernel.Length % (fromChannels * Taps) != 0)
            throw new InvalidInputException(path, $"tensor '{name}' holds {kernel.Length} values, not a multiple of {fromChannels} channels × 3 × 3.");
        int outputs = kernel.Length / (fromChannels * Taps);
        var result = new float[outputs * toChannels * Taps];
        for (int o = 0; o < outputs; o++)
            kernel.AsSpan(o * fromChannels * Taps, fromChannels * Taps).CopyTo(result.AsSpan(o * toChannels * Taps));
        return result;
    }
}
