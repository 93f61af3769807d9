namespace NativeSeg.Engine.Cpu;

/// <summary>
/// Geometry of the zero-padded, row-interleaved copy of an NCHW tensor that the convolution kernels read.
///
/// Padding: every image gets <see cref="Padding"/> zero rows above and below, <see cref="Padding"/> zero columns on
/// the left, and on the right enough zero columns that a 16-float vector started at any output column below
/// ⌈W/16⌉·16 and shifted by up to 2·padding stays inside the line. The kernels therefore never test a border: a tap
/// that falls outside the image reads a zero, and the unused lanes of the last partial vector read zeros too.
///
/// Layout [n][padded row][channel][column]: the lines of all channels for one image row are adjacent. A kernel that
/// sums over every input channel for 3 kernel rows then touches a few contiguous kilobytes per row instead of one
/// line in each of Cin planes a quarter of a megabyte apart (fewer pages, so fewer TLB entries). On the loaded
/// development machine an A/B against planar padding showed no clear difference either way; the layout is kept
/// because it makes the per-(image, row) padding work items contiguous.
/// </summary>
internal readonly record struct PaddedPlanes(int Batch, int Channels, int Height, int Width, int Padding)
{
    public const int Lanes = 16;

    /// <summary>⌈W/16⌉·16: the output columns the kernels compute (the surplus is never stored).</summary>
    public int VectorWidth => RoundUp(Width, Lanes);

    /// <summary>Floats in one channel's padded line; also the distance between two channels of the same row.</summary>
    public int LineLength => VectorWidth + 2 * Padding;

    /// <summary>Distance between padded rows y and y + 1 of the same channel.</summary>
    public long RowStride => (long)Channels * LineLength;

    public int Rows => Height + 2 * Padding;

    public long ImageStride => Rows * RowStride;

    public long Length => Batch * ImageStride;

    /// <summary>Offset of the line of channel c at padded row r of image n.</summary>
    public long Line(int n, int c, int paddedRow) => n * ImageStride + paddedRow * RowStride + (long)c * LineLength;

    public static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>
    /// Copies <paramref name="source"/> (dense NCHW with sourceChannels channels) into this layout at
    /// <paramref name="destination"/>. Channels from sourceChannels up to <see cref="Channels"/> become all zero
    /// (used to round a channel count up to the kernels' block size). One work item per (image, padded row).
    /// With <paramref name="normalization"/>, each copied value goes through it (a batch norm + ReLU fused into the
    /// copy the convolution makes anyway); the padding stays zero, as it pads the normalized tensor.
    /// </summary>
    public unsafe void Fill(CpuWorkers workers, float* source, int sourceChannels, float* destination, ChannelNormalization? normalization = null)
    {
        var layout = this;
        workers.For(Batch * Rows, item =>
        {
            int n = item / layout.Rows, row = item % layout.Rows, y = row - layout.Padding;
            int pad = layout.Padding, width = layout.Width, line = layout.LineLength;
            float* target = destination + layout.Line(n, 0, row);
            if (y < 0 || y >= layout.Height)
            {
                new Span<float>(target, checked((int)layout.RowStride)).Clear();
                return;
            }
            for (int c = 0; c < layout.Channels; c++, target += line)
            {
                if (c >= sourceChannels)
                {
                    new Span<float>(target, line).Clear();
                    continue;
                }
                float* from = source + (((long)n * sourceChannels + c) * layout.Height + y) * width;
                new Span<float>(target, pad).Clear();
                if (normalization is { } norm) norm.Apply(c, from, target + pad, width);
                else new ReadOnlySpan<float>(from, width).CopyTo(new Span<float>(target + pad, width));
                new Span<float>(target + pad + width, line - pad - width).Clear();
            }
        });
    }
}
