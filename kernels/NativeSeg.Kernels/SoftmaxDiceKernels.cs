using ILGPU;
using ILGPU.Algorithms;

namespace NativeSeg.Kernels;

/// <summary>
/// Softmax over classes and the Dice-NS loss, forward and backward. Per slice b and class c the loss needs
/// I = Σᵢ g·p, P = Σᵢ p and G = Σᵢ g over the H·W pixels: one deterministic reduction with segment (b, c),
/// three shared-memory trees in turn. Then D_c = (2I + ε)/(P + G + ε) and L_b = 1 − mean_c D_c.
/// Optional pixel weights wᵢ [N, 1, H, W] weight every term of the three sums and every pixel's gradient. Kernels cannot
/// take a missing view, so "no weights" is weighted = 0 with any valid view in its place, never read: the branch is the
/// same for every thread of a launch, so it costs no divergence.
/// </summary>
public static class SoftmaxDiceKernels
{
    // ---- Softmax ----

    /// <summary>One thread per pixel [n, y, x]: subtract the class maximum (no overflow), exponentiate, normalise.</summary>
    public static void SoftmaxForward(Index1D pixel, ArrayView<float> logits, ArrayView<float> probabilities, NchwGeometry g)
    {
        int n = pixel / g.Plane;
        int p = pixel % g.Plane;
        int first = n * g.Channels * g.Plane + p;
        float max = logits[first];
        for (int c = 1; c < g.Channels; c++) max = IntrinsicMath.Max(max, logits[first + c * g.Plane]);
        float sum = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            float e = XMath.Exp(logits[first + c * g.Plane] - max);
            probabilities[first + c * g.Plane] = e;
            sum += e;
        }
        float inverse = 1f / sum;
        for (int c = 0; c < g.Channels; c++) probabilities[first + c * g.Plane] *= inverse;
    }

    // ---- Dice sums (shared by forward and backward) ----

    /// <summary>
    /// Stage 1 of I, P and G per (slice, class): segment = n·C + c, terms = the plane's pixels. Partials are
    /// laid out as three consecutive arrays of layout.Groups values (I, then P, then G).
    /// </summary>
    public static void DiceSumPartials(ArrayView<float> probabilities, ArrayView<float> labels, ArrayView<float> pixelWeights,
        int weighted, ArrayView<float> partials, NchwGeometry g, ReductionLayout layout)
    {
        var shared = SharedMemory.Allocate<float>(KernelConstants.MaxGroupSize);
        int segment = Grid.IdxX / layout.Slices;
        int slice = Grid.IdxX % layout.Slices;
        int planeBase = segment * g.Plane;
        int weightBase = segment / g.Channels * g.Plane;
        float intersection = 0, sumP = 0, sumG = 0;
        int end = ReductionKernels.SliceEnd(layout, slice);
        for (int k = ReductionKernels.SliceStart(layout, slice) + Group.IdxX; k < end; k += Group.DimX)
        {
            float w = weighted != 0 ? pixelWeights[weightBase + k] : 1f;
            float p = w * probabilities[planeBase + k];
            float l = labels[planeBase + k];
            intersection += l * p;
            sumP += p;
            sumG += w * l;
        }
        float totalIntersection = ReductionKernels.GroupTreeSum(shared, intersection);
        float totalP = ReductionKernels.GroupTreeSum(shared, sumP);
        float totalG = ReductionKernels.GroupTreeSum(shared, sumG);
        if (Group.IdxX == 0)
        {
            partials[Grid.IdxX] = totalIntersection;
            partials[layout.Groups + Grid.IdxX] = totalP;
            partials[2 * layout.Groups + Grid.IdxX] = totalG;
        }
    }

    /// <summary>Stage 2 for one (slice, class) segment: the numerator 2I + ε and denominator P + G + ε of D_c.</summary>
    private static void DiceFraction(ArrayView<float> partials, ReductionLayout layout, int segment, float epsilon,
        out float numerator, out float denominator)
    {
        float intersection = 0, sumP = 0, sumG = 0;
        for (int s = 0; s < layout.Slices; s++)
        {
            int k = segment * layout.Slices + s;
            intersection += partials[k];
            sumP += partials[layout.Groups + k];
            sumG += partials[2 * layout.Groups + k];
        }
        numerator = 2f * intersection + epsilon;
        denominator = sumP + sumG + epsilon;
    }

    // ---- Dice-NS forward ----

    /// <summary>Stage 2 and the loss, one thread per slice: L_b = 1 − (1/C)·Σ_c D_c, classes in order.</summary>
    public static void DiceSliceLoss(Index1D n, ArrayView<float> partials, ArrayView<float> sliceLosses, int classes,
        float epsilon, ReductionLayout layout)
    {
        float sum = 0;
        for (int c = 0; c < classes; c++)
        {
            DiceFraction(partials, layout, n * classes + c, epsilon, out float numerator, out float denominator);
            sum += numerator / denominator;
        }
        sliceLosses[n] = 1f - sum / classes;
    }

    // ---- Dice-NS backward ----

    /// <summary>Stage 2 for the backward pass: numerator and denominator of every D_c, one thread per (slice, class).</summary>
    public static void DiceFractions(Index1D segment, ArrayView<float> partials, ArrayView<float> numerators,
        ArrayView<float> denominators, float epsilon, ReductionLayout layout)
    {
        DiceFraction(partials, layout, segment, epsilon, out float numerator, out float denominator);
        numerators[segment] = numerator;
        denominators[segment] = denominator;
    }

    /// <summary>
    /// ∂L/∂z for L = mean_b L_b, one thread per pixel. Through D_c = A/B with ∂A/∂pᵢ = 2gᵢ and ∂B/∂pᵢ = 1:
    /// ∂L/∂pᵢc = −(1/(N·C))·(2gᵢc·B − A)/B². Through the softmax Jacobian ∂p_c/∂z_k = p_c(δ_ck − p_k):
    /// ∂L/∂z_k = p_k·(∂L/∂p_k − Σ_c p_c·∂L/∂p_c). A pixel weight w scales ∂L/∂p_c of every class of the pixel, so it
    /// scales the whole result.
    /// </summary>
    public static void DiceGradientLogits(Index1D pixel, ArrayView<float> probabilities, ArrayView<float> labels,
        ArrayView<float> pixelWeights, int weighted, ArrayView<float> numerators, ArrayView<float> denominators,
        ArrayView<float> gradLogits, NchwGeometry g)
    {
        int n = pixel / g.Plane;
        int p = pixel % g.Plane;
        int first = n * g.Channels * g.Plane + p;
        float weight = weighted != 0 ? pixelWeights[pixel] : 1f;
        float scale = -1f / (g.Batch * g.Channels);
        // First pass: the weighted sum Σ_c p_c·∂L/∂p_c; second pass recomputes ∂L/∂p_c (cheap) rather than storing it.
        float dot = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            int e = first + c * g.Plane;
            dot += probabilities[e] * GradProbability(labels[e], numerators[n * g.Channels + c], denominators[n * g.Channels + c], scale);
        }
        for (int c = 0; c < g.Channels; c++)
        {
            int e = first + c * g.Plane;
            float gradP = GradProbability(labels[e], numerators[n * g.Channels + c], denominators[n * g.Channels + c], scale);
            gradLogits[e] = weight * probabilities[e] * (gradP - dot);
        }
    }

    private static float GradProbability(float label, float numerator, float denominator, float scale) =>
        scale * (2f * label * denominator - numerator) / (denominator * denominator);
}
