using ILGPU;

namespace NativeSeg.Kernels;

/// <summary>Sizes of a bilinear resize of Planes = N·C planes from InHeight×InWidth to OutHeight×OutWidth.</summary>
public readonly struct ResizeGeometry(int planes, int inHeight, int inWidth, int outHeight, int outWidth)
{
    public int Planes { get; } = planes;
    public int InHeight { get; } = inHeight;
    public int InWidth { get; } = inWidth;
    public int OutHeight { get; } = outHeight;
    public int OutWidth { get; } = outWidth;

    /// <summary>Input pixels per output pixel along y (PyTorch's scale for align_corners=False, no scale factor).</summary>
    public float ScaleY => (float)InHeight / OutHeight;

    public float ScaleX => (float)InWidth / OutWidth;
}

/// <summary>The two input indices one output index reads along an axis, and their weights.</summary>
public readonly struct AxisTap(int first, int second, float secondWeight)
{
    public int First { get; } = first;
    public int Second { get; } = second;
    public float SecondWeight { get; } = secondWeight;
    public float FirstWeight => 1f - SecondWeight;

    /// <summary>The weight with which this output index reads input index i (0 if it does not read it).</summary>
    public float WeightOf(int i) => (First == i ? FirstWeight : 0f) + (Second == i ? SecondWeight : 0f);
}

/// <summary>
/// Bilinear resize with half-pixel centres and clamped edges (PyTorch's align_corners=False, no antialias).
/// The backward pass is written as a gather (each thread owns one gradInput element and adds what reaches it), so
/// it needs no atomics and repeats bit for bit; it runs separably, first along x into a scratch tensor
/// [planes, outH, inW], then along y.
/// </summary>
public static class ResizeKernels
{
    /// <summary>src = (j + ½)·scale − ½ clamped at 0; first = ⌊src⌋ (≤ in−1), second = min(first+1, in−1).</summary>
    public static AxisTap Tap(int outputIndex, float scale, int inputSize)
    {
        float source = (outputIndex + 0.5f) * scale - 0.5f;
        if (source < 0f) source = 0f;
        // source ≥ 0, so truncation is the floor.
        int first = IntrinsicMath.Min((int)source, inputSize - 1);
        int second = IntrinsicMath.Min(first + 1, inputSize - 1);
        return new AxisTap(first, second, source - first);
    }

    public static void ResizeBilinearForward(Index1D index, ArrayView<float> input, ArrayView<float> output, ResizeGeometry g)
    {
        int x = index % g.OutWidth;
        int y = index / g.OutWidth % g.OutHeight;
        int plane = index / (g.OutWidth * g.OutHeight);
        var row = Tap(y, g.ScaleY, g.InHeight);
        var column = Tap(x, g.ScaleX, g.InWidth);
        int inputBase = plane * g.InHeight * g.InWidth;
        int top = inputBase + row.First * g.InWidth;
        int bottom = inputBase + row.Second * g.InWidth;
        float upper = column.FirstWeight * input[top + column.First] + column.SecondWeight * input[top + column.Second];
        float lower = column.FirstWeight * input[bottom + column.First] + column.SecondWeight * input[bottom + column.Second];
        output[index] = row.FirstWeight * upper + row.SecondWeight * lower;
    }

    /// <summary>
    /// The output indices that can read input index i lie in a short window around i/scale: those with
    /// src ∈ [i−1, i+1], widened by 2 for rounding and clamped to the axis (which also catches the clamped edges).
    /// </summary>
    private static int WindowStart(int i, float scale) => IntrinsicMath.Max((int)((i - 0.5f) / scale - 0.5f) - 2, 0);

    private static int WindowEnd(int i, float scale, int outputSize) =>
        IntrinsicMath.Min((int)((i + 1.5f) / scale - 0.5f) + 2, outputSize - 1);

    /// <summary>Pass 1: rows[plane, oy, ix] = Σ_ox wx(ox → ix)·gradOutput[plane, oy, ox].</summary>
    public static void ResizeBilinearBackwardColumns(Index1D index, ArrayView<float> gradOutput, ArrayView<float> rows, ResizeGeometry g)
    {
        int ix = index % g.InWidth;
        int oy = index / g.InWidth % g.OutHeight;
        int plane = index / (g.InWidth * g.OutHeight);
        int outputRow = (plane * g.OutHeight + oy) * g.OutWidth;
        float scale = g.ScaleX;
        float sum = 0;
        int end = WindowEnd(ix, scale, g.OutWidth);
        for (int ox = WindowStart(ix, scale); ox <= end; ox++)
        {
            float w = Tap(ox, scale, g.InWidth).WeightOf(ix);
            if (w != 0f) sum += w * gradOutput[outputRow + ox];
        }
        rows[index] = sum;
    }

    /// <summary>Pass 2: gradInput[plane, iy, ix] = Σ_oy wy(oy → iy)·rows[plane, oy, ix].</summary>
    public static void ResizeBilinearBackwardRows(Index1D index, ArrayView<float> rows, ArrayView<float> gradInput, ResizeGeometry g)
    {
        int ix = index % g.InWidth;
        int iy = index / g.InWidth % g.InHeight;
        int plane = index / (g.InWidth * g.InHeight);
        float scale = g.ScaleY;
        float sum = 0;
        int end = WindowEnd(iy, scale, g.OutHeight);
        for (int oy = WindowStart(iy, scale); oy <= end; oy++)
        {
            float w = Tap(oy, scale, g.InHeight).WeightOf(iy);
            if (w != 0f) sum += w * rows[(plane * g.OutHeight + oy) * g.InWidth + ix];
        }
        gradInput[index] = sum;
    }
}
