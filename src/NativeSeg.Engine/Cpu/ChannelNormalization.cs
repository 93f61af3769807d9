using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NativeSeg.Engine.Cpu;

/// <summary>
/// An inference batch norm (+ ReLU) as per-channel float32 constants: y = (x − m)·k + b, with m = (float)μ,
/// k = (float)(γ/√(σ² + ε)) and b = (float)(β − (μ − m)·k), evaluated as one subtraction and one FMA. These are the
/// roundings of <see cref="CpuBatchNorm.InferenceForward"/>, so a stage fused into a convolution gives the same bits
/// as the separate pass. The constants live in a caller-owned buffer of 3·channels floats.
/// </summary>
internal readonly unsafe struct ChannelNormalization
{
    private readonly float* _mean;
    private readonly float* _scale;
    private readonly float* _bias;

    private ChannelNormalization(float* constants, int channels, bool relu)
    {
        _mean = constants;
        _scale = constants + channels;
        _bias = constants + 2 * channels;
        Relu = relu;
    }

    public bool Relu { get; }

    /// <summary>m per channel (channels consecutive floats).</summary>
    public float* Means => _mean;

    /// <summary>k per channel.</summary>
    public float* Scales => _scale;

    /// <summary>b per channel.</summary>
    public float* Biases => _bias;

    /// <summary>Floats of constant storage for <paramref name="channels"/> channels.</summary>
    public static long StorageFor(int channels) => 3L * channels;

    public static ChannelNormalization Create(float* storage, int channels, float* gamma, float* beta, float* runningMean,
        float* runningVariance, double epsilon, bool relu)
    {
        var result = new ChannelNormalization(storage, channels, relu);
        for (int c = 0; c < channels; c++)
        {
            double scale = gamma[c] / Math.Sqrt(runningVariance[c] + epsilon);
            (result._mean[c], result._scale[c], result._bias[c]) = Constants(runningMean[c], scale, beta[c]);
        }
        return result;
    }

    /// <summary>
    /// The float32 constants of (x − mean)·scale + shift: the mean is rounded first and the rounding error is moved
    /// into the bias, so that x − m is exact for x near the mean (no cancellation in float32).
    /// </summary>
    public static (float Mean, float Scale, float Bias) Constants(double mean, double scale, double shift)
    {
        float roundedMean = (float)mean;
        return (roundedMean, (float)scale, (float)(shift - (mean - roundedMean) * scale));
    }

    /// <summary>
    /// The same constants in storage of 3·<paramref name="padded"/> floats, zero past the channels, so that
    /// <see cref="Apply16"/> may load 16 channels at any multiple of 16 below <paramref name="padded"/>.
    /// </summary>
    public ChannelNormalization PaddedTo(int channels, int padded, float* storage)
    {
        new Span<float>(storage, 3 * padded).Clear();
        var result = new ChannelNormalization(storage, padded, Relu);
        new ReadOnlySpan<float>(_mean, channels).CopyTo(new Span<float>(result._mean, channels));
        new ReadOnlySpan<float>(_scale, channels).CopyTo(new Span<float>(result._scale, channels));
        new ReadOnlySpan<float>(_bias, channels).CopyTo(new Span<float>(result._bias, channels));
        return result;
    }

    /// <summary>
    /// relu?((v − m)·k + b) for 16 consecutive channels c0 … c0 + 15 of one pixel (a channels-last vector): the float32
    /// operations of <see cref="Apply"/>, lane by lane. The constants must reach c0 + 16 (channels a multiple of 16, or
    /// <see cref="PaddedTo"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Apply16(Vector512<float> value, int c0)
    {
        value = Vector512.FusedMultiplyAdd(value - Vector512.Load(_mean + c0), Vector512.Load(_scale + c0), Vector512.Load(_bias + c0));
        return Relu ? Vector512.Max(value, Vector512<float>.Zero) : value;
    }

    /// <summary>to[i] = relu?((from[i] − m)·k + b) for one channel's run of values; from and to may be the same.</summary>
    public void Apply(int channel, float* from, float* to, int length)
    {
        float m = _mean[channel], k = _scale[channel], b = _bias[channel];
        var vm = Vector512.Create(m);
        var vk = Vector512.Create(k);
        var vb = Vector512.Create(b);
        int i = 0;
        if (Relu)
        {
            for (; i + 16 <= length; i += 16)
                Vector512.Max(Vector512.FusedMultiplyAdd(Vector512.Load(from + i) - vm, vk, vb), Vector512<float>.Zero).Store(to + i);
            for (; i < length; i++)
            {
                float y = MathF.FusedMultiplyAdd(from[i] - m, k, b);
                to[i] = y > 0 ? y : 0;
            }
        }
        else
        {
            for (; i + 16 <= length; i += 16)
                Vector512.FusedMultiplyAdd(Vector512.Load(from + i) - vm, vk, vb).Store(to + i);
            for (; i < length; i++) to[i] = MathF.FusedMultiplyAdd(from[i] - m, k, b);
        }
    }
}
