namespace NativeSeg.Engine.Tensors;

/// <summary>
/// A dense float32 tensor owned by one backend (host memory, GPU memory, or float64 memory for the reference).
/// Data moves in and out only through <see cref="IBackend.Upload"/> and <see cref="IBackend.Download"/>.
/// </summary>
public abstract class Tensor : IDisposable
{
    protected Tensor(IBackend backend, TensorShape shape)
    {
        Backend = backend;
        Shape = shape;
    }

    public IBackend Backend { get; }

    public TensorShape Shape { get; }

    public int Length => Shape.Length;

    public bool IsDisposed { get; private set; }

    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        Release();
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the backend memory; called once.</summary>
    protected abstract void Release();

    public override string ToString() => $"{Backend.Name} tensor {Shape}";
}
