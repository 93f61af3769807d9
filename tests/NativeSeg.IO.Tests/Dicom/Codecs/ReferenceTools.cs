using System.Diagnostics;
using NativeSeg.IO.Dicom;

namespace NativeSeg.IO.Tests.Dicom.Codecs;

/// <summary>
/// Runs the reference codecs of Debian's dcmtk (<c>dcmcjpeg</c>, <c>dcmdjpeg</c>, <c>dcmcjpls</c>, <c>dcmdjpls</c>)
/// and GDCM (<c>gdcmconv</c>, which decodes JPEG-LS with CharLS) to make and decode test files. CI installs them
/// (.ci/run); a missing tool fails the test with the package to install, it never skips it.
/// </summary>
internal static class ReferenceTools
{
    private static readonly Dictionary<string, string> Packages = new()
    {
        ["dcmcjpeg"] = "dcmtk", ["dcmdjpeg"] = "dcmtk", ["dcmcjpls"] = "dcmtk", ["dcmdjpls"] = "dcmtk", ["gdcmconv"] = "libgdcm-tools",
    };

    /// <summary>Runs <paramref name="tool"/> with <paramref name="arguments"/>; fails the test on a missing tool or a non-zero exit.</summary>
    public static void Run(string tool, params string[] arguments)
    {
        Process process;
        try
        {
            process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail($"{tool} is not installed: apt-get install {Packages.GetValueOrDefault(tool, tool)} (.ci/run does)");
            return;
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(60_000))
            {
                process.Kill();
                Assert.Fail($"{tool} {string.Join(' ', arguments)} did not finish within 60 s");
            }
            if (process.ExitCode != 0)
                Assert.Fail($"{tool} {string.Join(' ', arguments)} exited {process.ExitCode}: {stderr.Result}{stdout.Result}");
        }
    }

    /// <summary>Every frame's stored values, frames one after another.</summary>
    public static int[] StoredValues(string path)
    {
        var file = DicomFile.Open(path);
        var format = DicomPixelFormat.Read(file);
        var all = new int[format.PixelsPerFrame * format.Frames];
        for (int f = 0; f < format.Frames; f++)
            DicomPixelDecoder.DecodeStoredValues(file, f).CopyTo(all, f * format.PixelsPerFrame);
        return all;
    }

    /// <summary>The largest absolute difference between two equally long arrays, and how many elements differ.</summary>
    public static (int MaxDifference, int Differing) Compare(int[] actual, int[] expected)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length));
        int max = 0, differing = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            int d = Math.Abs(actual[i] - expected[i]);
            if (d > 0) differing++;
            max = Math.Max(max, d);
        }
        return (max, differing);
    }
}
