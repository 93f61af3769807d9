using ILGPU;
using ILGPU.Algorithms;

namespace NativeSeg.Kernels;

/// <summary>
/// The cross-entropy loss, forward and backward (an optional second term beside Dice-NS). Per slice b the loss is
/// L_b = −(1/HW)·Σᵢ Σ_c gᵢc·ln pᵢc: one deterministic reduction with segment b over the plane's pixels, the classes of a
/// pixel summed inside its term. The backward is elementwise and adds to the gradient already there.
/// </summary>
public static class CrossEntropyKernels
{
    /// <summary>Stage 1 per (slice, part of its plane): Σ over the part's pixels of −Σ_c g·ln max(p, floor).</summary>
    public static void CrossEntropySumPartials(ArrayView<float> probabilities, ArrayView<float> labels, ArrayView<float> partials,
        NchwGeometry g, ReductionLayout layout)
    {
        var shared = SharedMemory.Allocate<float>(KernelConstants.MaxGroupSize);
        int n = Grid.IdxX / layout.Slices;
        int slice = Grid.IdxX % layout.Slices;
        int first = n * g.Channels * g.Plane;
        float sum = 0;
        int end = ReductionKernels.SliceEnd(layout, slice);
        for (int k = ReductionKernels.SliceStart(layout, slice) + Group.IdxX; k < end; k += Group.DimX)
            for (int c = 0; c < g.Channels; c++)
            {
                float label = labels[first + c * g.Plane + k];
                // Labels are mostly 0: skip the logarithm, as the reference does.
                if (label != 0)
                    sum -= label * XMath.Log(IntrinsicMath.Max(probabilities[first + c * g.Plane + k], KernelConstants.CrossEntropyProbabilityFloor));
            }
        float total = ReductionKernels.GroupTreeSum(shared, sum);
        if (Group.IdxX == 0) partials[Grid.IdxX] = total;
    }

    /// <summary>Stage 2, one thread per slice: its parts added in order, divided by the plane's pixel count.</summary>
    public static void CrossEntropySliceLoss(Index1D n, ArrayView<float> partials, ArrayView<float> sliceLosses, int plane,
        ReductionLayout layout)
    {
        float sum = 0;
        for (int s = 0; s < layout.Slices; s++) sum += partials[n * layout.Slices + s];
        sliceLosses[n] = sum / plane;
    }

    /// <summary>
    /// One thread per pixel: gradLogits_c += scale·(p_c·G − g_c)/(N·HW), G = Σ_k g_k, the cross-entropy's gradient
    /// through the softmax (ReferenceOps.CrossEntropyLossBackwardAdd derives it).
    /// </summary>
    public static void CrossEntropyGradientAdd(Index1D pixel, ArrayView<float> probabilities, ArrayView<float> labels,
        ArrayView<float> gradLogits, float scale, NchwGeometry g)
    {
        int n = pixel / g.Plane;
        int first = n * g.Channels * g.Plane + pixel % g.Plane;
        float labelSum = 0;
        for (int c = 0; c < g.Channels; c++) labelSum += labels[first + c * g.Plane];
        float perPixel = scale / ((float)g.Batch * g.Plane);
        for (int c = 0; c < g.Channels; c++)
        {
            int e = first + c * g.Plane;
            gradLogits[e] += perPixel * (probabilities[e] * labelSum - labels[e]);
        }
    }
}
