using ILGPU;

namespace NativeSeg.Kernels;

/// <summary>
/// The shared pieces of every deterministic reduction (see <see cref="ReductionLayout"/>), and the whole-tensor
/// sum of squares.
///
/// No float atomics: ILGPU.Algorithms' reductions finish with atomic adds, whose order (and so rounding) changes
/// from run to run. Here every add happens in an order fixed by the code: each thread adds its strided terms in
/// ascending order, the group tree pairs thread t with t + s for s = DimX/2, …, 2, 1, and stage 2 adds partials in
/// slice order.
/// </summary>
public static class ReductionKernels
{
    /// <summary>
    /// Sums one value per thread of the group through a shared-memory tree; every thread returns the total.
    /// shared must hold Group.DimX floats (a power of two). Ends with a barrier so the caller may reuse shared
    /// right after.
    /// </summary>
    internal static float GroupTreeSum(ArrayView<float> shared, float value)
    {
        int t = Group.IdxX;
        shared[t] = value;
        Group.Barrier();
        for (int stride = Group.DimX / 2; stride > 0; stride >>= 1)
        {
            if (t < stride) shared[t] += shared[t + stride];
            Group.Barrier();
        }
        float total = shared[0];
        Group.Barrier();
        return total;
    }

    /// <summary>The double-precision twin of <see cref="GroupTreeSum(ArrayView{float}, float)"/>.</summary>
    internal static double GroupTreeSum(ArrayView<double> shared, double value)
    {
        int t = Group.IdxX;
        shared[t] = value;
        Group.Barrier();
        for (int stride = Group.DimX / 2; stride > 0; stride >>= 1)
        {
            if (t < stride) shared[t] += shared[t + stride];
            Group.Barrier();
        }
        double total = shared[0];
        Group.Barrier();
        return total;
    }

    /// <summary>The first term index of this group's slice.</summary>
    public static int SliceStart(ReductionLayout layout, int slice) => slice * layout.SliceLength;

    /// <summary>One past the last term index of this group's slice.</summary>
    public static int SliceEnd(ReductionLayout layout, int slice) =>
        IntrinsicMath.Min((slice + 1) * layout.SliceLength, layout.Count);

    /// <summary>
    /// Stage 2 for plain sums when stage 1 writes `width` sums per (segment, slice), laid out [segment, slice, j]:
    /// result[segment·width + j] = Σ_s partials[(segment·Slices + s)·width + j], in slice order. One thread per result.
    /// </summary>
    public static void SumPartials(Index1D index, ArrayView<float> partials, ArrayView<float> result, ReductionLayout layout, int width)
    {
        int segment = index / width;
        int j = index % width;
        float sum = 0;
        for (int s = 0; s < layout.Slices; s++) sum += partials[(segment * layout.Slices + s) * width + j];
        result[index] = sum;
    }

    /// <summary>
    /// Stage 1 of Σ v² over a whole tensor (one segment), accumulated in float64 as the L2 term asks. The host
    /// adds the few partials in slice order (stage 2), also in float64.
    /// </summary>
    public static void SumOfSquaresPartials(ArrayView<float> data, ArrayView<double> partials, ReductionLayout layout)
    {
        var shared = SharedMemory.Allocate<double>(KernelConstants.MaxGroupSize);
        int slice = Grid.IdxX;
        int end = SliceEnd(layout, slice);
        double sum = 0;
        for (int k = SliceStart(layout, slice) + Group.IdxX; k < end; k += Group.DimX)
        {
            double v = data[k];
            sum += v * v;
        }
        double total = GroupTreeSum(shared, sum);
        if (Group.IdxX == 0) partials[slice] = total;
    }
}
