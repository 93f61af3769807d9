using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NativeSeg.Engine.Tensors;

namespace NativeSeg.Engine.Cpu;

/// <summary>
/// A tensor of the <c>cpu</c> backend: float32 values in a managed <c>float[]</c>.
/// The array is allocated on the pinned object heap, so it never moves and the kernels can keep a raw pointer to it;
/// the data starts at the first 64-byte boundary inside the array, so every plane of a tensor whose plane length is a
/// multiple of 16 starts on a cache line (aligned 512-bit loads are cheaper, and no load ever straddles two lines
/// needlessly at the start of a row).
/// </summary>
public sealed unsafe class CpuTensor : Tensor
{
    private const int AlignmentBytes = 64;
    private const int AlignmentFloats = AlignmentBytes / sizeof(float);

    private float[]? _array;
    private readonly int _offset;
    private readonly float* _pointer;

    internal CpuTensor(CpuBackend backend, TensorShape shape) : base(backend, shape)
    {
        // Over-allocate by one alignment unit minus one element, then skip to the first aligned element.
        _array = GC.AllocateUninitializedArray<float>(shape.Length + AlignmentFloats - 1, pinned: true);
        float* start = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_array));
        int misalignment = (int)((nuint)start % AlignmentBytes) / sizeof(float);
        _offset = misalignment == 0 ? 0 : AlignmentFloats - misalignment;
        _pointer = start + _offset;
    }

    /// <summary>
    /// How the values lie in memory. The backend keeps it <see cref="CpuLayout.Planar"/> for every operation but the
    /// Winograd convolution, and converts before anything reads the values as NCHW.
    /// </summary>
    internal CpuLayout Layout { get; set; }

    /// <summary>The values in <see cref="Layout"/> order; writes change the tensor.</summary>
    public Span<float> Span => new(Array, _offset, Length);

    /// <summary>The backing array (the values start at <see cref="Offset"/>).</summary>
    public float[] Array => _array ?? throw new ObjectDisposedException(ToString());

    /// <summary>Index of the first value in <see cref="Array"/>.</summary>
    public int Offset => _offset;

    /// <summary>Raw pointer to the first value; valid while the tensor is alive (the array is pinned).</summary>
    internal float* Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_array is null, this);
            return _pointer;
        }
    }

    protected override void Release() => _array = null;
}
