using System.Numerics.Tensors;

namespace NativeSeg.Engine.Cpu;

/// <summary>
/// What the fused inference convolution does to each output row right after computing it, while the row is still in
/// L1: an inference batch norm (+ ReLU), then the residual add of a centred, channel-padded skip. The order and the
/// float32 operations are those of the separate passes (<see cref="CpuBatchNorm"/>, <see cref="CpuElementwise"/>),
/// so the fused result is bit-for-bit the same. default = nothing to do.
/// </summary>
internal readonly unsafe struct OutputEpilogue
{
    private readonly ChannelNormalization? _after;
    private readonly float* _residual;
    private readonly int _residualChannels;
    private readonly int _residualOffset;

    /// <param name="residual">[N, residualChannels, H, W] or null; it lands at channels offset .. offset + residualChannels − 1.</param>
    public OutputEpilogue(ChannelNormalization? after, float* residual, int residualChannels, int residualOffset)
    {
        _after = after;
        _residual = residual;
        _residualChannels = residualChannels;
        _residualOffset = residualOffset;
    }

    public bool IsEmpty => _after is null && _residual == null;

    /// <summary>Finishes output row y of channel <paramref name="channel"/> of image n (width values at row).</summary>
    public void Apply(int n, int channel, int y, float* row, int width, long plane)
    {
        if (_after is { } after)
            after.Apply(channel, row, row, width);
        int skipChannel = channel - _residualOffset;
        if (_residual != null && skipChannel >= 0 && skipChannel < _residualChannels)
        {
            var values = new Span<float>(row, width);
            var skip = new ReadOnlySpan<float>(_residual + ((long)n * _residualChannels + skipChannel) * plane + (long)y * width, width);
            TensorPrimitives.Add(values, skip, values);
        }
    }
}
