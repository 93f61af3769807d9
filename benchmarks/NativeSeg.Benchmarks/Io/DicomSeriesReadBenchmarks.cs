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
    public void Setup() => _folder = SharedDataFolder.Path("lctsc", "Case_009_dicom");

    [Benchmark]
    public int ReadCase009() => DicomSeriesReader.ReadVolume(_folder).Grid.SizeZ;

    [Benchmark]
    public int ListSeriesCase009() => DicomSeriesReader.ListSeries(_folder).Count;
}
