using BenchmarkDotNet.Attributes;
using NativeSeg.IO.Dicom;

namespace NativeSeg.Benchmarks.Io;

/// <summary>
/// Reading LCTSC Case_009 (117 uncompressed 512×512 slices, 60 MB) into HU: folder scan, header parse, geometry,
/// pixel decode and rescale. Target: well under 2 s on the 2-core development machine.
/// Run: dotnet run -c Release --project benchmarks/NativeSeg.Benchmarks -- --filter '*DicomSeriesRead*'
/// </summary>
[MemoryDiagnoser]
public class DicomSeriesReadBenchmarks
{
    private string _folder = null!;

    [GlobalSetup]
    public void Setup()
    {
        // The repository holds NativeSeg.sln; shared/ lies beside it. Look above the binaries, the working folder and
        // this source file (the binaries may live in an --artifacts-path folder elsewhere).
        var root = new[] { AppContext.BaseDirectory, Environment.CurrentDirectory, SourceFolder() }
            .Select(FindSolutionAbove).FirstOrDefault(r => r is not null)
            ?? throw new InvalidOperationException("NativeSeg.sln not found above the binaries, the working folder or the sources.");
        _folder = Path.GetFullPath(Path.Combine(root, "..", "shared", "data", "lctsc", "Case_009_dicom"));
    }

    private static string? FindSolutionAbove(string start)
    {
        var dir = new DirectoryInfo(start);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NativeSeg.sln"))) dir = dir.Parent;
        return dir?.FullName;
    }

    private static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string file = "") => Path.GetDirectoryName(file) ?? "";

    [Benchmark]
    public int ReadCase009() => DicomSeriesReader.ReadVolume(_folder).Grid.SizeZ;

    [Benchmark]
    public int ListSeriesCase009() => DicomSeriesReader.ListSeries(_folder).Count;
}
