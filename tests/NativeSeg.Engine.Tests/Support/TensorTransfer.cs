using NativeSeg.Engine.Tensors;

namespace NativeSeg.Engine.Tests.Support;

/// <summary>Host ↔ backend copies for tests.</summary>
internal static class TensorTransfer
{
    /// <summary>A new tensor of <paramref name="shape"/> on <paramref name="backend"/> holding <paramref name="values"/>.</summary>
    public static Tensor Up(IBackend backend, TensorShape shape, float[] values)
    {
        var tensor = backend.Allocate(shape);
        backend.Upload(values, tensor);
        return tensor;
    }

    /// <summary>The tensor's values on the host.</summary>
    public static float[] Down(Tensor tensor)
    {
        var values = new float[tensor.Length];
        tensor.Backend.Download(tensor, values);
        return values;
    }
}
