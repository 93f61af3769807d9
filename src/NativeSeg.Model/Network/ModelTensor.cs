using NativeSeg.Engine;
using NativeSeg.Engine.Tensors;

namespace NativeSeg.Model.Network;

/// <summary>What a named tensor of the model holds.</summary>
public enum ModelTensorRole
{
    /// <summary>A convolution kernel [Cout, Cin, K, K]: trainable, regularised, He-normal initialised.</summary>
    ConvolutionKernel,

    /// <summary>Batch-norm γ [C]: trainable, regularised, initialised to 1.</summary>
    BatchNormScale,

    /// <summary>Batch-norm β [C]: trainable, regularised, initialised to 0.</summary>
    BatchNormOffset,

    /// <summary>Batch-norm running mean [C]: a buffer updated by training-mode forward passes, initialised to 0.</summary>
    RunningMean,

    /// <summary>Batch-norm running (biased) variance [C]: a buffer, initialised to 1.</summary>
    RunningVariance,
}

/// <summary>
/// One named tensor of the model, named as in a PyTorch state_dict (see <see cref="Weights.TensorNaming"/>), living on the
/// model's backend. Trainable tensors also own their gradient.
/// </summary>
public sealed class ModelTensor : IDisposable
{
    internal ModelTensor(IBackend backend, string name, ModelTensorRole role, TensorShape shape)
    {
        Name = name;
        Role = role;
        Shape = shape;
        Value = backend.Allocate(shape);
        Gradient = IsTrainable ? backend.Allocate(shape) : null;
    }

    public string Name { get; }

    public ModelTensorRole Role { get; }

    public TensorShape Shape { get; }

    public Tensor Value { get; }

    /// <summary>∂loss/∂value after <see cref="HighResNet2D.Backward"/>; null for buffers.</summary>
    public Tensor? Gradient { get; }

    /// <summary>Kernels, γ and β are trained (and regularised: NiftyNet's L2 covers all 63 of them); running statistics are not.</summary>
    public bool IsTrainable => Role is ModelTensorRole.ConvolutionKernel or ModelTensorRole.BatchNormScale or ModelTensorRole.BatchNormOffset;

    public Tensor RequireGradient() => Gradient ?? throw new InvalidOperationException($"{Name} is a buffer and has no gradient.");

    public void Dispose()
    {
        Value.Dispose();
        Gradient?.Dispose();
    }

    public override string ToString() => $"{Name} {Shape}";
}
