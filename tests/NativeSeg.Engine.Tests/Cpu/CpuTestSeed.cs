namespace NativeSeg.Engine.Tests.Cpu;

/// <summary>
/// Fresh random inputs on every run, replayable: the seed comes from the clock and a counter, or from the environment
/// variable NATIVESEG_TEST_SEED when set; every failure message names it.
/// </summary>
internal static class CpuTestSeed
{
    private static int _counter;

    public static int Next()
    {
        var fixedSeed = Environment.GetEnvironmentVariable("NATIVESEG_TEST_SEED");
        if (int.TryParse(fixedSeed, out int seed)) return seed;
        return unchecked((int)DateTime.UtcNow.Ticks + 7919 * Interlocked.Increment(ref _counter)) & int.MaxValue;
    }

    public static string Replay(int seed) => $"(seed {seed}; replay with NATIVESEG_TEST_SEED={seed})";
}
