using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace NativeSeg.Engine.Cpu;

/// <summary>
/// Reusable 64-byte-aligned native float buffers for padded copies and packed weights. Keeping them between calls
/// matters: a fresh multi-megabyte buffer costs a page fault per 4 KiB on first touch, a noticeable share of a
/// millisecond-scale convolution. Thread-safe; a buffer is owned by one caller between Rent and Dispose.
/// </summary>
internal sealed unsafe class CpuScratchPool : IDisposable
{
    private readonly ConcurrentBag<Buffer> _free = [];
    private bool _disposed;

    /// <summary>A buffer of at least <paramref name="floats"/> elements with unspecified contents.</summary>
    public Lease Rent(long floats)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_free.TryTake(out var buffer) && buffer.Capacity < floats)
        {
            buffer.Free();
            buffer = null;
        }
        buffer ??= new Buffer(Math.Max(floats, 16));
        return new Lease(this, buffer);
    }

    public void Dispose()
    {
        _disposed = true;
        while (_free.TryTake(out var buffer)) buffer.Free();
    }

    private void Return(Buffer buffer)
    {
        if (_disposed) buffer.Free();
        else _free.Add(buffer);
    }

    internal sealed class Buffer(long capacity)
    {
        public long Capacity { get; } = capacity;

        public float* Pointer { get; private set; } = (float*)NativeMemory.AlignedAlloc((nuint)(capacity * sizeof(float)), 64);

        public void Free()
        {
            NativeMemory.AlignedFree(Pointer);
            Pointer = null;
        }
    }

    /// <summary>A rented buffer; Dispose gives it back to the pool.</summary>
    internal readonly struct Lease(CpuScratchPool pool, Buffer buffer) : IDisposable
    {
        public float* Pointer => buffer.Pointer;

        public void Dispose() => pool.Return(buffer);
    }
}
