using System.Diagnostics;
using NativeSeg.Engine;

namespace NativeSeg.Kernels.Dev;

/// <summary>
/// Times queued device work the way METHOD.md asks: warm up (the first launch compiles the kernel), then
/// repetitions of many launches with a synchronisation at each end, the median of the per-launch times. The number
/// of launches per repetition is chosen so one repetition takes about 20 ms (launch gaps and the host clock then
/// matter little), and the repetitions stop when the time budget is spent (at least 3).
/// </summary>
public static class KernelTimer
{
    private const double RepetitionSeconds = 0.02;
    private const int MaxRepetitions = 15;
    private const int MinRepetitions = 3;

    public sealed record Timing(double MedianSeconds, double MinSeconds, int Launches, int Repetitions);

    public static Timing Measure(IBackend backend, Action launch, double budgetSeconds)
    {
        launch();
        backend.Synchronize();
        launch();
        launch();
        backend.Synchronize();
        var clock = Stopwatch.StartNew();
        launch();
        backend.Synchronize();
        double one = Math.Max(clock.Elapsed.TotalSeconds, 1e-6);
        int launches = (int)Math.Clamp(RepetitionSeconds / one, 1, 1000);
        int repetitions = (int)Math.Clamp(budgetSeconds / (one * launches), MinRepetitions, MaxRepetitions);
        var perLaunch = new double[repetitions];
        for (int r = 0; r < repetitions; r++)
        {
            clock.Restart();
            for (int k = 0; k < launches; k++) launch();
            backend.Synchronize();
            perLaunch[r] = clock.Elapsed.TotalSeconds / launches;
        }
        Array.Sort(perLaunch);
        return new Timing(perLaunch[repetitions / 2], perLaunch[0], launches, repetitions);
    }
}
