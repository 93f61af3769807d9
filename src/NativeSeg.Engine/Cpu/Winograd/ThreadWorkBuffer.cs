using System.Runtime.InteropServices;

namespace NativeSeg.Engine.Cpu.Winograd;

/// <summary>
/// A worker thread's 64-byte-aligned native scratch, kept for the thread's life (held in a [ThreadStatic] field) and
/// grown when needed; freed by the finalizer when the thread ends. Renting per work item from the shared
/// <see cref="CpuScratchPool"/> could hand an item a buffer too small to keep, whose replacement then pays a page
/// fault per 4 KiB on first touch.
/// </summary>
internal sealed unsafe class ThreadWorkBuffer
{
    private float* _pointer;
    private long _capacity;

    /// <summary>At least <paramref name="floats"/> floats with unspecified contents (the old ones lost on growth).</summary>
    public float* Get(long floats)
    {
        if (floats > _capacity)
        {
            NativeMemory.AlignedFree(_pointer);
            _pointer = (float*)NativeMemory.AlignedAlloc((nuint)(floats * sizeof(float)), 64);
            _capacity = floats;
        }
        return _pointer;
    }

    ~ThreadWorkBuffer() => NativeMemory.AlignedFree(_pointer);
}
