using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NativeSeg.Benchmarks.Cpu;

/// <summary>A benchmark parameter that knows how many floating-point operations one invocation performs.</summary>
public interface IFlopCount
{
    double Flops { get; }
}

/// <summary>
/// GFLOP/s computed from the measured mean time and the flop count of the benchmark's <see cref="IFlopCount"/>
/// parameter: flops / mean (ns) = GFLOP/s.
/// </summary>
public sealed class GflopsColumn(bool fromBestTime = false) : IColumn
{
    public string Id => nameof(GflopsColumn) + (fromBestTime ? "Best" : "");

    public string ColumnName => fromBestTime ? "GFLOP/s (best)" : "GFLOP/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => fromBestTime
        ? "Floating-point operations per second from the fastest iteration: on a shared machine, the closest to what the code does alone"
        : "Floating-point operations per second, from the mean time (2 per multiply-add)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var flops = benchmarkCase.Parameters.Items.Select(p => p.Value).OfType<IFlopCount>().FirstOrDefault();
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        double? meanNanoseconds = fromBestTime ? statistics?.Min : statistics?.Mean;
        if (flops is null || meanNanoseconds is not > 0) return "-";
        return (flops.Flops / meanNanoseconds.Value).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
