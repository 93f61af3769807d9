using System.Runtime.Intrinsics;
using static NativeSeg.Engine.OperationContracts;

namespace NativeSeg.Engine.Cpu;

/// <summary>
/// The cross-entropy loss per slice and its gradient through the softmax, added to the gradient already there
/// (ReferenceOps.CrossEntropyLossForward and CrossEntropyLossBackwardAdd define and derive both).
/// </summary>
internal static unsafe class CpuCrossEntropy
{
    /// <summary>Pixels per work item of the backward: the C class rows of one chunk stay in L1.</summary>
    private const int PixelChunk = 1024;

    /// <summary>
    /// L_b = −(1/HW)·Σ g·ln max(p, floor), one work item per slice summing its classes' planes in order in float64, so the
    /// value does not depend on the thread count. The logarithm runs only where g ≠ 0 (one class of each one-hot pixel),
    /// which makes a scalar loop cheaper than a vector logarithm of every element.
    /// </summary>
    public static void Forward(CpuWorkers workers, NchwSizes s, float* probabilities, float* labels, float* sliceLosses)
    {
        workers.For(s.Batch, n =>
        {
            double sum = 0;
            long first = (long)n * s.Channels * s.Plane;
            for (long e = first; e < first + (long)s.Channels * s.Plane; e++)
                if (labels[e] != 0) sum -= labels[e] * Math.Log(Math.Max(probabilities[e], CrossEntropyProbabilityFloor));
            sliceLosses[n] = (float)(sum / s.Plane);
        });
    }

    /// <summary>
    /// gradLogits_c += k·(p_c·G − g_c), k = scale/(N·HW), G = Σ_c g_c: a first pass over the classes sums the labels of 16
    /// neighbouring pixels in a vector, a second adds each class's term with one fused multiply-add (p·G − g) and one
    /// more onto the gradient.
    /// </summary>
    public static void BackwardAdd(CpuWorkers workers, NchwSizes s, float* probabilities, float* labels, float scale, float* gradLogits)
    {
        float perPixel = (float)(scale / ((double)s.Batch * s.Plane));
        int chunks = (s.Plane + PixelChunk - 1) / PixelChunk;
        workers.For(s.Batch * chunks, item =>
        {
            int n = item / chunks, start = item % chunks * PixelChunk, end = Math.Min(s.Plane, start + PixelChunk);
            long baseIndex = (long)n * s.Channels * s.Plane;
            var k = Vector512.Create(perPixel);
            int i = start;
            for (; i + 16 <= end; i += 16)
            {
                var labelSum = Vector512<float>.Zero;
                for (int c = 0; c < s.Channels; c++) labelSum += Vector512.Load(labels + baseIndex + (long)c * s.Plane + i);
                for (int c = 0; c < s.Channels; c++)
                {
                    long at = baseIndex + (long)c * s.Plane + i;
                    var term = Vector512.FusedMultiplyAdd(Vector512.Load(probabilities + at), labelSum, -Vector512.Load(labels + at));
                    Vector512.FusedMultiplyAdd(k, term, Vector512.Load(gradLogits + at)).Store(gradLogits + at);
                }
            }
            for (; i < end; i++)
            {
                float labelSum = 0;
                for (int c = 0; c < s.Channels; c++) labelSum += labels[baseIndex + (long)c * s.Plane + i];
                for (int c = 0; c < s.Channels; c++)
                {
                    long at = baseIndex + (long)c * s.Plane + i;
                    gradLogits[at] += perPixel * (probabilities[at] * labelSum - labels[at]);
                }
            }
        });
    }
}
