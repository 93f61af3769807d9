using ILGPU;
using ILGPU.Runtime;
using NativeSeg.Engine.Tensors;

namespace NativeSeg.Engine.Ilgpu;

/// <summary>A float32 tensor in one ILGPU accelerator's memory (GPU memory for cuda, host memory for ilgpu-cpu).</summary>
public sealed class IlgpuTensor : Tensor
{
    internal IlgpuTensor(IlgpuBackend backend, TensorShape shape, MemoryBuffer1D<float, Stride1D.Dense> buffer)
        : base(backend, shape)
    {
        Buffer = buffer;
    }

    /// <summary>The accelerator buffer, Length elements, dense.</summary>
    public MemoryBuffer1D<float, Stride1D.Dense> Buffer { get; }

    /// <summary>The view kernels take.</summary>
    internal ArrayView<float> View => Buffer.View.AsContiguous();

    protected override void Release() => Buffer.Dispose();
}
