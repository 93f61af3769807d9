using BenchmarkDotNet.Attributes;
using NativeSeg.IO.Dicom;

namespace NativeSeg.Benchmarks.Io;

/// <summary>
/// JPEG-LS decode of one 512×512 CT slice (LCTSC Case_009 slice 60, 12-bit) by NativeSeg, side by side with the
/// reference decoders run as processes in the same run: dcmtk's <c>dcmdjpls</c> and GDCM's <c>gdcmconv --raw</c>
/// (CharLS). Each reference is timed on the 1-frame file, on a 20-frame file of the same slice, and launching with
/// <c>--version</c>; its per-slice decode is (20 frames − 1 frame) / 19, its per-slice cost as a user pays it is the
/// 1-frame time. The in-process NativeSeg numbers include the frame lookup and stored-value mapping.
/// Run: dotnet run -c Release --project benchmarks/NativeSeg.Benchmarks -- --filter '*JpegLsDecode*' --inProcess
/// --launchCount 1 --warmupCount 2 --iterationCount 10
/// Needs dcmtk and libgdcm-tools.
/// </summary>
[MemoryDiagnoser]
public class JpegLsDecodeBenchmarks
{
    private string _folder = null!, _lossless = null!, _nearLossless = null!, _losslessFrames = null!;
    private DicomFile _losslessFile = null!, _nearLosslessFile = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = ReferenceCodecFiles.NewFolder("jpegls");
        _lossless = Path.Combine(_folder, "lossless.dcm");
        _nearLossless = Path.Combine(_folder, "near2.dcm");
        _losslessFrames = Path.Combine(_folder, "lossless20.dcm");
        ReferenceCodecFiles.Run("dcmcjpls", ReferenceCodecFiles.Case009Slice, _lossless);
        ReferenceCodecFiles.Run("dcmcjpls", "+en", "+md", "2", ReferenceCodecFiles.Case009Slice, _nearLossless);
        ReferenceCodecFiles.WriteMultiFrame(_lossless, ReferenceCodecFiles.Frames, _losslessFrames);
        _losslessFile = DicomFile.Open(_lossless);
        _nearLosslessFile = DicomFile.Open(_nearLossless);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark(Baseline = true, Description = "NativeSeg lossless, 1 slice in process")]
    public int NativeSegLossless() => DicomPixelDecoder.DecodeStoredValues(_losslessFile).Length;

    [Benchmark(Description = "NativeSeg near-lossless (NEAR 2), 1 slice in process")]
    public int NativeSegNearLossless() => DicomPixelDecoder.DecodeStoredValues(_nearLosslessFile).Length;

    [Benchmark(Description = "NativeSeg lossless, 20-frame file read and decoded")]
    public int NativeSegLosslessFrames()
    {
        var file = DicomFile.Open(_losslessFrames);
        int total = 0;
        for (int f = 0; f < ReferenceCodecFiles.Frames; f++) total += DicomPixelDecoder.DecodeStoredValues(file, f).Length;
        return total;
    }

    [Benchmark(Description = "dcmdjpls process, 1 slice")]
    public void DcmdjplsOneSlice() => ReferenceCodecFiles.Run("dcmdjpls", _lossless, Path.Combine(_folder, "out-dcmtk.dcm"));

    [Benchmark(Description = "dcmdjpls process, 20 frames")]
    public void DcmdjplsTwentyFrames() => ReferenceCodecFiles.Run("dcmdjpls", _losslessFrames, Path.Combine(_folder, "out-dcmtk20.dcm"));

    [Benchmark(Description = "dcmdjpls --version (launch only)")]
    public void DcmdjplsLaunch() => ReferenceCodecFiles.Run("dcmdjpls", "--version");

    [Benchmark(Description = "gdcmconv --raw (CharLS) process, 1 slice")]
    public void GdcmOneSlice() => ReferenceCodecFiles.Run("gdcmconv", "--raw", _lossless, Path.Combine(_folder, "out-gdcm.dcm"));

    [Benchmark(Description = "gdcmconv --raw (CharLS) process, 20 frames")]
    public void GdcmTwentyFrames() => ReferenceCodecFiles.Run("gdcmconv", "--raw", _losslessFrames, Path.Combine(_folder, "out-gdcm20.dcm"));

    [Benchmark(Description = "gdcmconv --version (launch only)")]
    public void GdcmLaunch() => ReferenceCodecFiles.Run("gdcmconv", "--version");
}
