using static NativeSeg.Engine.OperationContracts;

namespace NativeSeg.Engine.Reference;

public static partial class ReferenceOps
{
    /// <summary>
    /// Training-mode batch norm over the M = N·H·W values of each channel c:
    /// μ = Σx/M, σ² = Σ(x−μ)²/M (biased), x̂ = (x−μ)/√(σ²+ε), y = γ·x̂ + β.
    /// runningMean and runningVariance become (1−momentum)·running + momentum·batch, with the biased σ² (NiftyNet).
    /// savedMean = μ and savedInverseStd = 1/√(σ²+ε) feed the backward pass.
    /// </summary>
    public static void BatchNormTrainingForward(NchwSizes s, double[] input, double[] gamma, double[] beta,
        double[] runningMean, double[] runningVariance, double momentum, double epsilon,
        double[] output, double[] savedMean, double[] savedInverseStd)
    {
        double count = (double)s.Batch * s.Plane;
        for (int c = 0; c < s.Channels; c++)
        {
            double sum = 0;
            foreach (int index in ChannelIndices(s, c)) sum += input[index];
            double mean = sum / count;

            // Two passes (mean first, then squared deviations) keep the variance exact to rounding.
            double squares = 0;
            foreach (int index in ChannelIndices(s, c)) squares += (input[index] - mean) * (input[index] - mean);
            double variance = squares / count;
            double inverseStd = 1.0 / Math.Sqrt(variance + epsilon);

            foreach (int index in ChannelIndices(s, c))
                output[index] = gamma[c] * (input[index] - mean) * inverseStd + beta[c];

            runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean;
            runningVariance[c] = (1 - momentum) * runningVariance[c] + momentum * variance;
            savedMean[c] = mean;
            savedInverseStd[c] = inverseStd;
        }
    }

    /// <summary>Inference-mode batch norm: y = γ·(x − runningMean)/√(runningVariance + ε) + β.</summary>
    public static void BatchNormInferenceForward(NchwSizes s, double[] input, double[] gamma, double[] beta,
        double[] runningMean, double[] runningVariance, double epsilon, double[] output)
    {
        for (int c = 0; c < s.Channels; c++)
        {
            double inverseStd = 1.0 / Math.Sqrt(runningVariance[c] + epsilon);
            foreach (int index in ChannelIndices(s, c))
                output[index] = gamma[c] * (input[index] - runningMean[c]) * inverseStd + beta[c];
        }
    }

    /// <summary>
    /// Backward of the inference forward y = γ·(x − μᵣ)·istd + β, where μᵣ and istd = 1/√(σᵣ² + ε) come from the
    /// running statistics and so do not depend on x: ∂L/∂β = Σ dy; ∂L/∂γ = Σ dy·x̂; ∂L/∂x = γ·istd·dy (no batch terms).
    /// </summary>
    public static void BatchNormInferenceBackward(NchwSizes s, double[] input, double[] gradOutput, double[] gamma,
        double[] runningMean, double[] runningVariance, double epsilon, double[] gradInput, double[] gradGamma, double[] gradBeta)
    {
        for (int c = 0; c < s.Channels; c++)
        {
            double inverseStd = 1.0 / Math.Sqrt(runningVariance[c] + epsilon);
            double sumDy = 0, sumDyXhat = 0;
            foreach (int index in ChannelIndices(s, c))
            {
                sumDy += gradOutput[index];
                sumDyXhat += gradOutput[index] * (input[index] - runningMean[c]) * inverseStd;
                gradInput[index] = gamma[c] * inverseStd * gradOutput[index];
            }
            gradBeta[c] = sumDy;
            gradGamma[c] = sumDyXhat;
        }
    }

    /// <summary>
    /// Backward of the training forward, per channel with M = N·H·W, x̂ = (x−μ)·istd and dy = gradOutput:
    /// ∂L/∂β = Σ dy; ∂L/∂γ = Σ dy·x̂;
    /// ∂L/∂x = γ·istd/M · (M·dy − Σdy − x̂·Σ(dy·x̂)).
    /// The last line is the chain rule through μ and σ² both depending on every x of the channel:
    /// ∂x̂ⱼ/∂xᵢ = istd·(δᵢⱼ − 1/M − x̂ᵢ·x̂ⱼ/M).
    /// </summary>
    public static void BatchNormBackward(NchwSizes s, double[] input, double[] gradOutput, double[] gamma,
        double[] savedMean, double[] savedInverseStd, double[] gradInput, double[] gradGamma, double[] gradBeta)
    {
        double count = (double)s.Batch * s.Plane;
        for (int c = 0; c < s.Channels; c++)
        {
            double mean = savedMean[c];
            double inverseStd = savedInverseStd[c];
            double sumDy = 0, sumDyXhat = 0;
            foreach (int index in ChannelIndices(s, c))
            {
                double xhat = (input[index] - mean) * inverseStd;
                sumDy += gradOutput[index];
                sumDyXhat += gradOutput[index] * xhat;
            }
            gradBeta[c] = sumDy;
            gradGamma[c] = sumDyXhat;

            double scale = gamma[c] * inverseStd / count;
            foreach (int index in ChannelIndices(s, c))
            {
                double xhat = (input[index] - mean) * inverseStd;
                gradInput[index] = scale * (count * gradOutput[index] - sumDy - xhat * sumDyXhat);
            }
        }
    }

    /// <summary>Every flat index of channel c, batch by batch.</summary>
    private static IEnumerable<int> ChannelIndices(NchwSizes s, int c)
    {
        for (int n = 0; n < s.Batch; n++)
        {
            int start = (n * s.Channels + c) * s.Plane;
            for (int k = 0; k < s.Plane; k++) yield return start + k;
        }
    }
}
