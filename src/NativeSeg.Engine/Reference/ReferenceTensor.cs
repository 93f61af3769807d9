using NativeSeg.Engine.Tensors;

namespace NativeSeg.Engine.Reference;

/// <summary>A tensor of the reference backend: the values live in a float64 array on the managed heap.</summary>
public sealed class ReferenceTensor : Tensor
{
    private double[]? _data;

    internal ReferenceTensor(ReferenceBackend backend, TensorShape shape) : base(backend, shape)
    {
        _data = new double[shape.Length];
    }

    /// <summary>The live float64 values (row-major); writes change the tensor.</summary>
    public double[] Data => _data ?? throw new ObjectDisposedException(ToString());

    protected override void Release() => _data = null;
}
