using NativeSeg.Engine;
using NativeSeg.Engine.Tensors;

namespace NativeSeg.Model.Network;

/// <summary>Which statistics a batch norm normalises with while training.</summary>
public enum BatchNormStatistics
{
    /// <summary>The batch's own mean and variance, the running statistics updated (the paper's training).</summary>
    Batch,

    /// <summary>
    /// The running statistics, left as they are: the network trains in exactly the regime it is used in, and the
    /// data of a fine-tuning run cannot move the statistics that every other input is normalised with.
    /// </summary>
    Running,
}

/// <summary>The four tensors of one batch norm: γ (<c>.weight</c>), β (<c>.bias</c>), running mean and running variance.</summary>
public sealed class BatchNormParameters
{
    internal BatchNormParameters(ModelTensor gamma, ModelTensor beta, ModelTensor runningMean, ModelTensor runningVariance)
    {
        Gamma = gamma;
        Beta = beta;
        RunningMean = runningMean;
        RunningVariance = runningVariance;
    }

    public ModelTensor Gamma { get; }
    public ModelTensor Beta { get; }
    public ModelTensor RunningMean { get; }
    public ModelTensor RunningVariance { get; }

    public int Channels => Gamma.Shape[0];

    /// <summary>This batch norm with its running statistics (inference mode), optionally followed by ReLU, as a fused stage.</summary>
    internal InferenceBatchNorm Inference(bool relu) =>
        new(Gamma.Value, Beta.Value, RunningMean.Value, RunningVariance.Value, BatchNormDefaults.Settings.Epsilon, relu);

    public IEnumerable<ModelTensor> All => [Gamma, Beta, RunningMean, RunningVariance];

    /// <summary>
    /// The training forward of this batch norm into output; with batch statistics it also writes savedMean and
    /// savedInverseStd for <see cref="Backward"/> (with running statistics those two are not used).
    /// </summary>
    internal void ForwardTraining(IBackend backend, BatchNormStatistics statistics, Tensor input, Tensor output, Tensor savedMean, Tensor savedInverseStd)
    {
        if (statistics == BatchNormStatistics.Running)
            backend.BatchNormInferenceForward(input, Gamma.Value, Beta.Value, RunningMean.Value, RunningVariance.Value,
                BatchNormDefaults.Settings.Epsilon, output);
        else
            backend.BatchNormTrainingForward(input, Gamma.Value, Beta.Value, RunningMean.Value, RunningVariance.Value,
                BatchNormDefaults.Settings, output, savedMean, savedInverseStd);
    }

    /// <summary>Backward of <see cref="ForwardTraining"/> with the same statistics: writes gradInput and the γ and β gradients.</summary>
    internal void Backward(IBackend backend, BatchNormStatistics statistics, Tensor input, Tensor gradOutput, Tensor savedMean,
        Tensor savedInverseStd, Tensor gradInput)
    {
        if (statistics == BatchNormStatistics.Running)
            backend.BatchNormInferenceBackward(input, gradOutput, Gamma.Value, RunningMean.Value, RunningVariance.Value,
                BatchNormDefaults.Settings.Epsilon, gradInput, Gamma.RequireGradient(), Beta.RequireGradient());
        else
            backend.BatchNormBackward(input, gradOutput, Gamma.Value, savedMean, savedInverseStd, gradInput,
                Gamma.RequireGradient(), Beta.RequireGradient());
    }
}
