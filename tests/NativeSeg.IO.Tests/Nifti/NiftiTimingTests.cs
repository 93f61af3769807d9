using System.Diagnostics;
using System.IO.Compression;
using NativeSeg.IO.Nifti;

namespace NativeSeg.IO.Tests.Nifti;

/// <summary>Measurements for the report, not proofs: run by hand.</summary>
[TestFixture, Explicit("timing, run by hand")]
public class NiftiTimingTests
{
    [Test]
    public void ReadCase009()
    {
        string path = NiftiTestData.LctscCt("Case_009");
        NiftiReader.ReadFloat(path); // warm-up (JIT)
        var process = Process.GetCurrentProcess();

        var cpu = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        using (var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress)) gz.CopyTo(Stream.Null);
        process.Refresh();
        TestContext.Out.WriteLine($"gunzip only: wall {wall.ElapsedMilliseconds} ms, cpu {(process.TotalProcessorTime - cpu).TotalMilliseconds:F0} ms");

        cpu = process.TotalProcessorTime;
        wall.Restart();
        NiftiReader.ReadFloat(path);
        process.Refresh();
        TestContext.Out.WriteLine($"ReadFloat: wall {wall.ElapsedMilliseconds} ms, cpu {(process.TotalProcessorTime - cpu).TotalMilliseconds:F0} ms");

        var ct = NiftiReader.ReadFloat(path);
        NativeSeg.Imaging.Preprocessing.SlicePreprocessor.Prepare(ct); // warm-up
        process.Refresh();
        cpu = process.TotalProcessorTime;
        wall.Restart();
        var prepared = NativeSeg.Imaging.Preprocessing.SlicePreprocessor.Prepare(ct);
        process.Refresh();
        TestContext.Out.WriteLine($"Prepare: wall {wall.ElapsedMilliseconds} ms, cpu {(process.TotalProcessorTime - cpu).TotalMilliseconds:F0} ms");

        var maps = prepared.PrepareLabels(NiftiReader.ReadMask(NiftiTestData.LctscMask("Case_009")));
        process.Refresh();
        cpu = process.TotalProcessorTime;
        wall.Restart();
        var back = prepared.MapBack(maps);
        var mask = NativeSeg.Imaging.Postprocessing.LungPostprocessor.Process(back, new NativeSeg.Imaging.Postprocessing.LungPostprocessingOptions { SplitLeftRight = true });
        process.Refresh();
        TestContext.Out.WriteLine($"MapBack + postprocess with split: wall {wall.ElapsedMilliseconds} ms, cpu {(process.TotalProcessorTime - cpu).TotalMilliseconds:F0} ms");
    }

    [Test]
    public void BonePositionOnAllRealCases()
    {
        foreach (string path in new[] { "Case_000", "Case_005", "Case_007", "Case_009" }.Select(NiftiTestData.LctscCt).Append(NiftiTestData.Data("cip", "ct-64.nii.gz")))
        {
            var ct = NiftiReader.ReadFloat(path);
            var report = NativeSeg.Imaging.Preprocessing.InputSanity.CheckCt(ct);
            double position = NativeSeg.Imaging.Preprocessing.InputSanity.BoneAnteriorPosteriorPosition(ct, NativeSeg.Imaging.Geometry.SliceOrientation.FromGrid(ct.Grid));
            TestContext.Out.WriteLine($"{Path.GetFileName(path)}: bone A-P {position:F3}, sanity: {report.Message}");
        }
    }
}
