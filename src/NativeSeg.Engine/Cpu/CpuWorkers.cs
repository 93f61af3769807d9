namespace NativeSeg.Engine.Cpu;

/// <summary>
/// Runs independent work items on up to <see cref="Threads"/> threads. Every parallel loop of the backend splits its
/// work by the shape only (never by the thread count), and each item writes its own outputs, so results are the same
/// bit for bit whatever the number of threads.
/// </summary>
internal sealed class CpuWorkers
{
    private readonly ParallelOptions _options;

    public CpuWorkers(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        _options = new ParallelOptions { MaxDegreeOfParallelism = threads };
    }

    public int Threads { get; }

    /// <summary>Runs body(0 .. count−1); inline when there is one thread or one item (no scheduling cost).</summary>
    public void For(int count, Action<int> body)
    {
        if (count <= 0) return;
        if (Threads == 1 || count == 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        Parallel.For(0, count, _options, body);
    }

    /// <summary>
    /// Splits [0, length) into fixed chunks of <paramref name="chunk"/> elements (the last one shorter) and runs
    /// body(start, count) for each.
    /// </summary>
    public void ForChunks(int length, int chunk, Action<int, int> body)
    {
        int chunks = (length + chunk - 1) / chunk;
        For(chunks, i =>
        {
            int start = i * chunk;
            body(start, Math.Min(chunk, length - start));
        });
    }
}
