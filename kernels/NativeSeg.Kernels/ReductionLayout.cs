namespace NativeSeg.Kernels;

/// <summary>
/// How a deterministic two-stage reduction splits its work. Each of <see cref="Segments"/> independent sums
/// (a channel, a weight, a (slice, class) pair) runs over <see cref="Count"/> terms, cut into <see cref="Slices"/>
/// consecutive slices of <see cref="SliceLength"/> terms. Stage 1 launches one group per (segment, slice);
/// stage 2 adds the slices of a segment in slice order. The split depends only on the shapes, never on the
/// hardware, so the rounding, and therefore the result, repeats bit for bit.
/// </summary>
public readonly struct ReductionLayout(int segments, int count, int slices)
{
    public int Segments { get; } = segments;
    public int Count { get; } = count;
    public int Slices { get; } = slices;
    public int SliceLength => (Count + Slices - 1) / Slices;

    /// <summary>Groups in stage 1.</summary>
    public int Groups => Segments * Slices;
}
