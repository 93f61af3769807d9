using NativeSeg.Engine;
namespace NativeSeg.Model.Network;

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
}
