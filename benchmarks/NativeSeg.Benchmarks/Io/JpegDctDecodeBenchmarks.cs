using BenchmarkDotNet.Attributes;
using NativeSeg.IO.Dicom;

namespace NativeSeg.Benchmarks.Io;

/// <summary>
/// Lossy JPEG decode of one 512×512 CT slice (LCTSC Case_009 slice 60; dcmcjpeg +eb baseline 8-bit and +ee
/// extended 12-bit, quality 90) by NativeSeg, side by side with dcmtk's <c>dcmdjpeg</c> (libjpeg 6b, the reference
/// our output equals bit for bit) run as a process in the same run: on the 1-frame file, on a 20-frame file of the
/// same slice, and launching with <c>--version</c>; its per-slice decode is (20 frames − 1 frame) / 19.
/// Run: dotnet run -c Release --project benchmarks/NativeSeg.Benchmarks -- --filter '*JpegDctDecode*' --inProcess
/// --launchCount 1 --warmupCount 2 --iterationCount 10
/// Needs dcmtk.
/// </summary>
[MemoryDiagnoser]
public class JpegDctDecodeBenchmarks
{
    private string _folder = null!, _baseline = null!, _extended = null!, _extendedFrames = null!;
    private DicomFile _baselineFile = null!, _extendedFile = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = ReferenceCodecFiles.NewFolder("jpeg");
        _baseline = Path.Combine(_folder, "baseline.dcm");
        _extended = Path.Combine(_folder, "extended.dcm");
        _extendedFrames = Path.Combine(_folder, "extended20.dcm");
        ReferenceCodecFiles.Run("dcmcjpeg", "+eb", ReferenceCodecFiles.Case009Slice, _baseline);
        ReferenceCodecFiles.Run("dcmcjpeg", "+ee", ReferenceCodecFiles.Case009Slice, _extended);
        ReferenceCodecFiles.WriteMultiFrame(_extended, ReferenceCodecFiles.Frames, _extendedFrames);
        _baselineFile = DicomFile.Open(_baseline);
        _extendedFile = DicomFile.Open(_extended);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark(Description = "NativeSeg baseline 8-bit, 1 slice in process")]
    public int NativeSegBaseline() => DicomPixelDecoder.DecodeStoredValues(_baselineFile).Length;

    [Benchmark(Baseline = true, Description = "NativeSeg extended 12-bit, 1 slice in process")]
    public int NativeSegExtended() => DicomPixelDecoder.DecodeStoredValues(_extendedFile).Length;

    [Benchmark(Description = "NativeSeg extended, 20-frame file read and decoded")]
    public int NativeSegExtendedFrames()
    {
        var file = DicomFile.Open(_extendedFrames);
        int total = 0;
        for (int f = 0; f < ReferenceCodecFiles.Frames; f++) total += DicomPixelDecoder.DecodeStoredValues(file, f).Length;
        return total;
    }

    [Benchmark(Description = "dcmdjpeg process, baseline 1 slice")]
    public void DcmdjpegBaseline() => ReferenceCodecFiles.Run("dcmdjpeg", _baseline, Path.Combine(_folder, "out-b.dcm"));

    [Benchmark(Description = "dcmdjpeg process, extended 1 slice")]
    public void DcmdjpegExtended() => ReferenceCodecFiles.Run("dcmdjpeg", _extended, Path.Combine(_folder, "out-e.dcm"));

    [Benchmark(Description = "dcmdjpeg process, extended 20 frames")]
    public void DcmdjpegExtendedFrames() => ReferenceCodecFiles.Run("dcmdjpeg", _extendedFrames, Path.Combine(_folder, "out-e20.dcm"));

    [Benchmark(Description = "dcmdjpeg --version (launch only)")]
    public void DcmdjpegLaunch() => ReferenceCodecFiles.Run("dcmdjpeg", "--version");
}
