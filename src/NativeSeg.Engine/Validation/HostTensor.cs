using NativeSeg.Engine.Tensors;

namespace NativeSeg.Engine.Validation;

/// <summary>Host-side values and their shape: a check's input, uploaded identically to every backend it compares.</summary>
public sealed record HostTensor(float[] Data, TensorShape Shape)
{
    /// <summary>A new tensor on the backend holding these values.</summary>
    public Tensor Upload(IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var tensor = backend.Allocate(Shape);
        backend.Upload(Data, tensor);
        return tensor;
    }
}
