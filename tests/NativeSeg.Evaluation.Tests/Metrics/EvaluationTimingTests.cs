using System.Diagnostics;
using NativeSeg.Evaluation.Metrics;
using NativeSeg.Evaluation.Tests.Report;

namespace NativeSeg.Evaluation.Tests.Metrics;

/// <summary>
/// Times one 512×512×150 case (the benchmark's size; BenchmarkDotNet suite: benchmarks/NativeSeg.Benchmarks/Evaluation).
/// Explicit: building the synthetic volumes takes seconds and timings on a shared CI machine prove nothing.
/// </summary>
[Explicit("timing run; see the report")]
public class EvaluationTimingTests
{
    [Test]
    public void OneFullSizeCase()
    {
        var loaded = EvaluationReportTests.SyntheticCase(1, 2, size: 512, slices: 150);
        CaseEvaluator.Evaluate(loaded.Ct, loaded.Reference, loaded.Prediction, loaded.Probabilities); // warm-up (JIT)
        var times = new List<double>();
        var cpuTimes = new List<double>();
        var process = Process.GetCurrentProcess();
        CaseMetrics? metrics = null;
        for (int run = 0; run < 5; run++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            metrics = CaseEvaluator.Evaluate(loaded.Ct, loaded.Reference, loaded.Prediction, loaded.Probabilities).Metrics;
            times.Add(watch.Elapsed.TotalMilliseconds);
            process.Refresh();
            cpuTimes.Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
        }
        var boxWatch = Stopwatch.StartNew();
        NativeSeg.Evaluation.Roc.BodyBoundingBox.PerSlice(loaded.Ct);
        double boxMs = boxWatch.Elapsed.TotalMilliseconds;
        var wholeWatch = Stopwatch.StartNew();
        CaseEvaluator.Evaluate(loaded.Ct, loaded.Reference, loaded.Prediction, loaded.Probabilities, new EvaluationOptions { RocRegion = RocRegion.WholeVolume });
        double wholeMs = wholeWatch.Elapsed.TotalMilliseconds;
        TestContext.Out.WriteLine($"body boxes alone {boxMs:F0} ms; whole-volume ROC (no boxes) {wholeMs:F0} ms; {Environment.ProcessorCount} cores");
        TestContext.Out.WriteLine($"512×512×150 evaluation: {string.Join(", ", times.Select(t => $"{t:F0}"))} ms wall, {string.Join(", ", cpuTimes.Select(t => $"{t:F0}"))} ms CPU (all threads); load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; Dice {metrics!.Dice:F4}, AUC {metrics.Auc:F5} ± {metrics.AucErrorBound:E1}, ROC voxels {metrics.RocVoxels}");
        // Wall time depends on what else runs on the machine; CPU time summed over threads is the work itself.
        Assert.That(cpuTimes.Min(), Is.LessThan(1000));
    }
}
