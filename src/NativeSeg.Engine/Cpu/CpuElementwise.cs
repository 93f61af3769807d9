using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using static NativeSeg.Engine.OperationContracts;

namespace NativeSeg.Engine.Cpu;

/// <summary>ReLU and the residual add: memory-bound loops, split into fixed chunks across the threads.</summary>
internal static unsafe class CpuElementwise
{
    /// <summary>Elements per work item: big enough that scheduling costs nothing, small enough to balance.</summary>
    public const int Chunk = 1 << 15;

    /// <summary>output = max(input, 0); input and output may be the same tensor (each vector is read before it is written).</summary>
    public static void ReluForward(CpuWorkers workers, int length, float* input, float* output)
    {
        workers.ForChunks(length, Chunk, (start, count) =>
        {
            float* x = input + start, y = output + start;
            int i = 0;
            for (; i + 16 <= count; i += 16) Vector512.Max(Vector512.Load(x + i), Vector512<float>.Zero).Store(y + i);
            for (; i < count; i++) y[i] = x[i] > 0 ? x[i] : 0;
        });
    }

    /// <summary>
    /// gradInput = gradOutput where output &gt; 0, else 0: a lane mask from one compare selects between the gradient and
    /// zero (a NaN output compares false and gives 0, as in the reference). gradOutput and gradInput may alias.
    /// </summary>
    public static void ReluBackward(CpuWorkers workers, int length, float* output, float* gradOutput, float* gradInput)
    {
        workers.ForChunks(length, Chunk, (start, count) =>
        {
            float* y = output + start, dy = gradOutput + start, dx = gradInput + start;
            int i = 0;
            for (; i + 16 <= count; i += 16)
            {
                var positive = Vector512.GreaterThan(Vector512.Load(y + i), Vector512<float>.Zero);
                Vector512.ConditionalSelect(positive, Vector512.Load(dy + i), Vector512<float>.Zero).Store(dx + i);
            }
            for (; i < count; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
        });
    }

    /// <summary>output = input + pad(skip), one (image, channel) plane per work item; output may be input.</summary>
    public static void ResidualAddForward(CpuWorkers workers, NchwSizes s, int skipChannels, int offset, float* input, float* skip, float* output)
    {
        workers.For(s.Batch * s.Channels, plane =>
        {
            int n = plane / s.Channels, c = plane % s.Channels;
            var x = new ReadOnlySpan<float>(input + (long)plane * s.Plane, s.Plane);
            var y = new Span<float>(output + (long)plane * s.Plane, s.Plane);
            if (c >= offset && c < offset + skipChannels)
                TensorPrimitives.Add(x, new ReadOnlySpan<float>(skip + ((long)n * skipChannels + c - offset) * s.Plane, s.Plane), y);
            else if (input != output)
                x.CopyTo(y);
        });
    }

    /// <summary>gradSkip += gradOutput[:, offset .. offset + Cs].</summary>
    public static void ResidualAddBackwardSkip(CpuWorkers workers, NchwSizes s, int skipChannels, int offset, float* gradOutput, float* gradSkip)
    {
        workers.For(s.Batch * skipChannels, plane =>
        {
            int n = plane / skipChannels, c = plane % skipChannels;
            var accumulated = new Span<float>(gradSkip + (long)plane * s.Plane, s.Plane);
            var incoming = new ReadOnlySpan<float>(gradOutput + ((long)n * s.Channels + c + offset) * s.Plane, s.Plane);
            TensorPrimitives.Add(accumulated, incoming, accumulated);
        });
    }
}
