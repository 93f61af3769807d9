using NativeSeg.IO;
using NativeSeg.Model.Network;
using NativeSeg.Model.Weights;

namespace NativeSeg.Model.Training;

/// <summary>
/// Starts a network that sees neighbouring slices (<see cref="Imaging.Preprocessing.SliceContext"/>, 3 input channels)
/// from a trained single-slice one: every tensor whose shape depends on the input channels (in HighResNet2D the first
/// convolution's kernel, out × Cin × k × k, found by comparing <see cref="WeightsFile.ExpectedShapes"/> of the two
/// networks) gains input channels of zeros, so the widened network computes exactly what the trained one did (the
/// neighbours are multiplied by 0) until training gives them weight. Adam's moments of those tensors, when a
/// checkpoint's are kept, widen the same way: zero for the new weights, as for a parameter that never had a gradient.
/// </summary>
public static class InputWidening
{
    /// <summary>
    /// The tensors (a network's, or a checkpoint's moments) with every input-dependent kernel, and its moments, widened
    /// from <paramref name="trained"/>'s input channels to <paramref name="target"/>'s, where present; every other tensor as it
    /// was. A missing kernel is left for the network's import to report.
    /// </summary>
    public static Dictionary<string, float[]> Widen(IReadOnlyDictionary<string, float[]> tensors, HighResNetConfiguration trained,
        HighResNetConfiguration target, string path)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (trained.InputChannels < 1 || target.InputChannels <= trained.InputChannels || trained with { InputChannels = target.InputChannels } != target)
            throw new ArgumentOutOfRangeException(nameof(target), $"Widening adds input channels and changes nothing else, not {trained} → {target}.");
        var before = WeightsFile.ExpectedShapes(trained);
        var after = WeightsFile.ExpectedShapes(target);
        var widened = new Dictionary<string, float[]>(tensors, StringComparer.Ordinal);
        foreach (var (name, shape) in before.Where(p => !p.Value.SequenceEqual(after[p.Key])))
            foreach (string stored in new[] { name, TensorNaming.FirstMomentPrefix + name, TensorNaming.SecondMomentPrefix + name })
                if (tensors.TryGetValue(stored, out var kernel))
                    widened[stored] = WidenKernel(kernel, shape, after[name][1], stored, path);
        return widened;
    }

    /// <summary>out × from × k × k → out × to × k × k, the new input channels zero.</summary>
    private static float[] WidenKernel(float[] kernel, int[] shape, int toChannels, string name, string path)
    {
        int outputs = shape[0], fromChannels = shape[1], taps = shape[2] * shape[3];
        if (kernel.Length != outputs * fromChannels * taps)
            throw new InvalidInputException(path, $"tensor '{name}' holds {kernel.Length} values, not [{string.Join(", ", shape)}].");
        var result = new float[outputs * toChannels * taps];
        for (int o = 0; o < outputs; o++)
            kernel.AsSpan(o * fromChannels * taps, fromChannels * taps).CopyTo(result.AsSpan(o * toChannels * taps));
        return result;
    }
}
