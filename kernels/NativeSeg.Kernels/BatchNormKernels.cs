using ILGPU;
using ILGPU.Algorithms;

namespace NativeSeg.Kernels;

/// <summary>
/// Batch norm over the M = N·H·W values of each channel. Training forward: a two-pass deterministic reduction
/// (mean, then squared deviations: exact to rounding even when |mean| ≫ std), a per-channel finish that updates
/// the running statistics, then an elementwise normalise. Backward: one reduction of Σdy and Σdy·x̂, then an
/// elementwise pass. Segments of every <see cref="ReductionLayout"/> here are channels; term k of channel c is
/// element [n = k / plane, c, k % plane].
/// </summary>
public static class BatchNormKernels
{
    private static int ChannelElement(NchwGeometry g, int channel, int term) =>
        (term / g.Plane * g.Channels + channel) * g.Plane + term % g.Plane;

    // ---- Training forward ----

    /// <summary>Stage 1 of Σx per channel.</summary>
    public static void ChannelSumPartials(ArrayView<float> input, ArrayView<float> partials, NchwGeometry g, ReductionLayout layout)
    {
        var shared = SharedMemory.Allocate<float>(KernelConstants.MaxGroupSize);
        int channel = Grid.IdxX / layout.Slices;
        int slice = Grid.IdxX % layout.Slices;
        float sum = 0;
        int end = ReductionKernels.SliceEnd(layout, slice);
        for (int k = ReductionKernels.SliceStart(layout, slice) + Group.IdxX; k < end; k += Group.DimX)
            sum += input[ChannelElement(g, channel, k)];
        float total = ReductionKernels.GroupTreeSum(shared, sum);
        if (Group.IdxX == 0) partials[Grid.IdxX] = total;
    }

    /// <summary>Stage 2 of the mean: savedMean[c] = Σ partials / M.</summary>
    public static void FinishMean(Index1D channel, ArrayView<float> partials, ArrayView<float> savedMean, ReductionLayout layout)
    {
        float sum = 0;
        for (int s = 0; s < layout.Slices; s++) sum += partials[channel * layout.Slices + s];
        savedMean[channel] = sum / layout.Count;
    }

    /// <summary>Stage 1 of Σ(x − μ)² per channel.</summary>
    public static void CenteredSquarePartials(ArrayView<float> input, ArrayView<float> savedMean, ArrayView<float> partials,
        NchwGeometry g, ReductionLayout layout)
    {
        var shared = SharedMemory.Allocate<float>(KernelConstants.MaxGroupSize);
        int channel = Grid.IdxX / layout.Slices;
        int slice = Grid.IdxX % layout.Slices;
        float mean = savedMean[channel];
        float sum = 0;
        int end = ReductionKernels.SliceEnd(layout, slice);
        for (int k = ReductionKernels.SliceStart(layout, slice) + Group.IdxX; k < end; k += Group.DimX)
        {
            float centred = input[ChannelElement(g, channel, k)] - mean;
            sum += centred * centred;
        }
        float total = ReductionKernels.GroupTreeSum(shared, sum);
        if (Group.IdxX == 0) partials[Grid.IdxX] = total;
    }

    /// <summary>
    /// Stage 2 of the variance and the per-channel finish: σ² = Σ partials / M (biased),
    /// savedInverseStd = 1/√(σ² + ε), running = (1 − momentum)·running + momentum·batch for mean and σ².
    /// </summary>
    public static void FinishVariance(Index1D channel, ArrayView<float> partials, ArrayView<float> savedMean,
        ArrayView<float> savedInverseStd, ArrayView<float> runningMean, ArrayView<float> runningVariance,
        float momentum, float epsilon, ReductionLayout layout)
    {
        float sum = 0;
        for (int s = 0; s < layout.Slices; s++) sum += partials[channel * layout.Slices + s];
        float variance = sum / layout.Count;
        savedInverseStd[channel] = 1f / XMath.Sqrt(variance + epsilon);
        runningMean[channel] = (1f - momentum) * runningMean[channel] + momentum * savedMean[channel];
        runningVariance[channel] = (1f - momentum) * runningVariance[channel] + momentum * variance;
    }

    /// <summary>output = γ·(x − μ)·invStd + β, one thread per element.</summary>
    public static void Normalize(Index1D index, ArrayView<float> input, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> mean, ArrayView<float> inverseStd, ArrayView<float> output, NchwGeometry g)
    {
        int c = index / g.Plane % g.Channels;
        output[index] = gamma[c] * ((input[index] - mean[c]) * inverseStd[c]) + beta[c];
    }

    // ---- Inference forward ----

    /// <summary>Turns the running variance into 1/√(var + ε) per channel, so that <see cref="Normalize"/> serves inference too.</summary>
    public static void InverseStdFromVariance(Index1D channel, ArrayView<float> variance, ArrayView<float> inverseStd, float epsilon) =>
        inverseStd[channel] = 1f / XMath.Sqrt(variance[channel] + epsilon);

    // ---- Backward ----

    /// <summary>
    /// Stage 1 of Σdy and Σdy·x̂ per channel, with x̂ = (x − μ)·invStd, in one pass over the data: two
    /// shared-memory trees, 2 KB.
    /// </summary>
    public static void BackwardPartials(ArrayView<float> input, ArrayView<float> gradOutput, ArrayView<float> savedMean,
        ArrayView<float> savedInverseStd, ArrayView<float> partialsGrad, ArrayView<float> partialsGradNormalized,
        NchwGeometry g, ReductionLayout layout)
    {
        var shared = SharedMemory.Allocate<float>(KernelConstants.MaxGroupSize);
        int channel = Grid.IdxX / layout.Slices;
        int slice = Grid.IdxX % layout.Slices;
        float mean = savedMean[channel];
        float inverseStd = savedInverseStd[channel];
        float sumGrad = 0, sumGradNormalized = 0;
        int end = ReductionKernels.SliceEnd(layout, slice);
        for (int k = ReductionKernels.SliceStart(layout, slice) + Group.IdxX; k < end; k += Group.DimX)
        {
            int e = ChannelElement(g, channel, k);
            float dy = gradOutput[e];
            sumGrad += dy;
            sumGradNormalized += dy * ((input[e] - mean) * inverseStd);
        }
        // One shared array serves both trees in turn (GroupTreeSum ends with a barrier).
        float totalGrad = ReductionKernels.GroupTreeSum(shared, sumGrad);
        float totalGradNormalized = ReductionKernels.GroupTreeSum(shared, sumGradNormalized);
        if (Group.IdxX == 0)
        {
            partialsGrad[Grid.IdxX] = totalGrad;
            partialsGradNormalized[Grid.IdxX] = totalGradNormalized;
        }
    }

    /// <summary>Stage 2: gradBeta = Σdy, gradGamma = Σdy·x̂, in slice order.</summary>
    public static void FinishBackward(Index1D channel, ArrayView<float> partialsGrad, ArrayView<float> partialsGradNormalized,
        ArrayView<float> gradGamma, ArrayView<float> gradBeta, ReductionLayout layout)
    {
        float sumGrad = 0, sumGradNormalized = 0;
        for (int s = 0; s < layout.Slices; s++)
        {
            sumGrad += partialsGrad[channel * layout.Slices + s];
            sumGradNormalized += partialsGradNormalized[channel * layout.Slices + s];
        }
        gradGamma[channel] = sumGradNormalized;
        gradBeta[channel] = sumGrad;
    }

    /// <summary>Backward of the inference forward (statistics held constant): dx = γ·invStd·dy, one thread per element.</summary>
    public static void InferenceBackwardData(Index1D index, ArrayView<float> gradOutput, ArrayView<float> gamma,
        ArrayView<float> inverseStd, ArrayView<float> gradInput, NchwGeometry g)
    {
        int c = index / g.Plane % g.Channels;
        gradInput[index] = gamma[c] * inverseStd[c] * gradOutput[index];
    }

    /// <summary>dx = γ·invStd·(dy − Σdy/M − x̂·Σdy·x̂/M), one thread per element.</summary>
    public static void BackwardData(Index1D index, ArrayView<float> input, ArrayView<float> gradOutput, ArrayView<float> gamma,
        ArrayView<float> savedMean, ArrayView<float> savedInverseStd, ArrayView<float> gradGamma, ArrayView<float> gradBeta,
        ArrayView<float> gradInput, NchwGeometry g)
    {
        int c = index / g.Plane % g.Channels;
        float count = g.Batch * g.Plane;
        float inverseStd = savedInverseStd[c];
        float normalized = (input[index] - savedMean[c]) * inverseStd;
        gradInput[index] = gamma[c] * inverseStd
            * (gradOutput[index] - gradBeta[c] / count - normalized * gradGamma[c] / count);
    }
}
