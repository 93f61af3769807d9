using System.Diagnostics;
using System.Globalization;
using NativeSeg.IO.Tests.Fuzzing;

namespace NativeSeg.Benchmarks.Io;

/// <summary>
/// <c>fuzz [--mutants N] [--seed S] [--limit-seconds T]</c>: the long input-validation fuzz run (the CI test runs a
/// few thousand of the same mutants). Reads N mutants of the fuzz seeds through CtReader and prints the counts of
/// clean rejections, accepted inputs, crashes and hangs, with the first failures (also as they happen). Ctrl-C or
/// SIGTERM stops early and still prints the exact count. Exit 0 when nothing crashed, hung or was accepted implausibly, else 4.
/// </summary>
public static class FuzzCommand
{
    public static bool TryRun(string[] args, out int exitCode)
    {
        exitCode = 0;
        if (args.Length == 0 || args[0] != "fuzz") return false;
        long mutants = 100_000;
        int seed = 1;
        double limitSeconds = 30;
        for (int i = 1; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : "";
            switch (args[i])
            {
                case "--mutants": mutants = long.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--seed": seed = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--limit-seconds": limitSeconds = double.Parse(value, CultureInfo.InvariantCulture); i++; break;
                default:
                    Console.Error.WriteLine($"fuzz: unknown option {args[i]}; use --mutants N, --seed S, --limit-seconds T");
                    exitCode = 2;
                    return true;
            }
        }

        string root = RepositoryRoot();
        string scratch = Path.Combine(Path.GetTempPath(), "nativeseg-fuzz-" + Guid.NewGuid().ToString("N"));
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        // A run started in the background ignores SIGINT; SIGTERM stops it the same way.
        using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
        try
        {
            var seeds = FuzzSeeds.Load(root, Path.GetFullPath(Path.Combine(root, "..", "shared", "data")), scratch);
            Console.WriteLine($"fuzz: {mutants} mutants of {seeds.Count} seeds ({string.Join(", ", seeds.Select(s => s.Name))}), random seed {seed}, limit {limitSeconds} s per mutant");
            var watch = Stopwatch.StartNew();
            int failuresShown = 0;
            void Progress(FuzzTally t)
            {
                for (; failuresShown < t.FailureDescriptions.Count; failuresShown++) Console.Error.WriteLine("  " + t.FailureDescriptions[failuresShown]);
                if (t.Mutants % 10_000 == 0) Console.Error.WriteLine($"  {t} ({watch.Elapsed.TotalSeconds:F0} s)");
            }
            var tally = new FuzzCampaign(seeds, Path.Combine(scratch, "work"), TimeSpan.FromSeconds(limitSeconds)).Run(mutants, seed, Progress, stop.Token);
            Console.WriteLine($"fuzz: {tally} in {watch.Elapsed.TotalSeconds:F0} s");
            foreach (var failure in tally.FailureDescriptions) Console.WriteLine("  " + failure);
            exitCode = tally.Failures == 0 ? 0 : 4;
        }
        finally
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
        return true;
    }

    private static string RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "NativeSeg.sln"))) return dir.FullName;
        throw new InvalidOperationException("NativeSeg.sln not found above the binaries or the working folder.");
    }
}
