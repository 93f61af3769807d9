using NativeSeg.Engine;
using NativeSeg.Engine.Tensors;

namespace NativeSeg.Model.Tests;

/// <summary>Delegates every operation to another backend and counts allocations, to prove the hot path allocates nothing.</summary>
internal sealed class CountingBackend(IBackend inner) : DelegatingBackend(inner)
{
    public int Allocations { get; private set; }

    public override Tensor Allocate(TensorShape shape)
    {
        Allocations++;
        return Inner.Allocate(shape);
    }
}
