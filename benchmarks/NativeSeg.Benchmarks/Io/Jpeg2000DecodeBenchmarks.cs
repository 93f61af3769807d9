using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using NativeSeg.IO.Dicom;

namespace NativeSeg.Benchmarks.Io;

/// <summary>
/// JPEG 2000 decoding of one real 512×512 CT slice, NativeSeg against OpenJPEG's opj_decompress (Debian
/// libopenjp2-tools) on the same code stream in the same run. Two slices: the first TotalSegmentator slice
/// (lossless 5/3 as its archive stored it) and Case_009 slice 61 re-encoded with `gdcmconv --j2k --lossy -r 10` (9/7).
/// opj_decompress is timed per process (start-up included) and in batches of <see cref="Batch"/> copies with
/// <c>-ImgDir</c> (start-up spread over the batch; the .rawl outputs land beside the inputs), with 1 and 2 threads;
/// NativeSeg decodes to
/// an int array. Run:
///   dotnet run -c Release --project benchmarks/NativeSeg.Benchmarks -- --filter '*Jpeg2000Decode*'
/// </summary>
[MemoryDiagnoser]
public class Jpeg2000DecodeBenchmarks
{
    private const int Batch = 20;
    private DicomFile _file = null!;
    private string _scratch = null!, _codestream = null!, _batchFolder = null!;

    [Params("totalseg-lossless", "case009-lossy")]
    public string Slice { get; set; } = "totalseg-lossless";

    [GlobalSetup]
    public void Setup()
    {
        _scratch = Path.Combine(Path.GetTempPath(), "nativeseg-j2k-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_scratch);
        string dicom;
        if (Slice == "totalseg-lossless")
        {
            dicom = Directory.GetFiles(SharedDataFolder.Path("dicom", "totalseg_j2k")).Order().First();
        }
        else
        {
            dicom = Path.Combine(_scratch, "lossy.dcm");
            Run("gdcmconv", "--j2k", "--lossy", "-r", "10", Directory.GetFiles(SharedDataFolder.Path("lctsc", "Case_009_dicom")).Order().ElementAt(60), dicom);
        }
        _file = DicomFile.Open(dicom);
        var element = _file.Dataset.Find(DicomTags.PixelData)!;
        var bytes = element.Fragments!.Fragment(element.Fragments.FragmentCount - 1).ToArray();
        _codestream = Path.Combine(_scratch, "slice.j2k");
        File.WriteAllBytes(_codestream, bytes);
        _batchFolder = Path.Combine(_scratch, "batch");
        Directory.CreateDirectory(_batchFolder);
        for (int i = 0; i < Batch; i++) File.WriteAllBytes(Path.Combine(_batchFolder, $"s{i:D2}.j2k"), bytes);
        Directory.CreateDirectory(Path.Combine(_scratch, "out"));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_scratch, recursive: true);

    [Benchmark(Baseline = true)]
    public int NativeSeg() => DicomPixelDecoder.DecodeStoredValues(_file)[1000];

    [Benchmark]
    public void OpenJpegOneProcess() => Run("opj_decompress", "-quiet", "-i", _codestream, "-o", Path.Combine(_scratch, "out", "one.rawl"));

    [Benchmark(OperationsPerInvoke = Batch)]
    public void OpenJpegBatch() => Run("opj_decompress", "-quiet", "-ImgDir", _batchFolder, "-OutFor", "RAWL");

    [Benchmark(OperationsPerInvoke = Batch)]
    public void OpenJpegBatchTwoThreads() =>
        Run("opj_decompress", "-quiet", "-threads", "2", "-ImgDir", _batchFolder, "-OutFor", "RAWL");

    private static void Run(string tool, params string[] arguments)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{tool} exited with {process.ExitCode}");
    }
}
