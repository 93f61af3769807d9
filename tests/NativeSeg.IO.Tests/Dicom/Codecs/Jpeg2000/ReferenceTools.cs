using System.Diagnostics;
using NativeSeg.IO.Dicom;

namespace NativeSeg.IO.Tests.Dicom.Codecs.Jpeg2000;

/// <summary>
/// The reference tools the JPEG 2000 tests compare against: OpenJPEG's opj_compress / opj_decompress (Debian
/// libopenjp2-tools) and GDCM's gdcmconv (libgdcm-tools). .ci/run installs them; a missing tool fails the test.
/// </summary>
internal static class ReferenceTools
{
    public static string Run(string tool, params string[] arguments)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"{tool} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"{tool} is not installed ({e.Message}); .ci/run installs libopenjp2-tools and libgdcm-tools");
            throw;
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{tool} {string.Join(' ', arguments)} did not finish in 120 s");
            }
            if (process.ExitCode != 0)
                Assert.Fail($"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode}: {stderr.Result}");
            return stdout.Result + stderr.Result;
        }
    }

    /// <summary>
    /// Decodes a code stream with opj_decompress into raw little-endian samples (1 byte per sample up to 8 bits, else 2;
    /// components one after another), read back as signed or unsigned.
    /// </summary>
    public static int[] OpenJpegDecode(string codestreamPath, string scratchFolder, bool signed, int precision = 16)
    {
        string raw = Path.Combine(scratchFolder, Path.GetFileNameWithoutExtension(codestreamPath) + "-opj.rawl");
        Run("opj_decompress", "-quiet", "-i", codestreamPath, "-o", raw);
        return ReadRaw(File.ReadAllBytes(raw), signed, precision);
    }

    public static int[] ReadRaw(byte[] bytes, bool signed, int precision)
    {
        if (precision <= 8)
        {
            var narrow = new int[bytes.Length];
            for (int i = 0; i < narrow.Length; i++) narrow[i] = signed ? (sbyte)bytes[i] : bytes[i];
            return narrow;
        }
        // opj_decompress writes signed samples of under 16 bits as their two's complement in that many bits.
        var samples = new int[bytes.Length / 2];
        int unused = 32 - precision;
        for (int i = 0; i < samples.Length; i++)
        {
            int v = bytes[2 * i] | bytes[2 * i + 1] << 8;
            samples[i] = signed ? v << unused >> unused : v;
        }
        return samples;
    }

    /// <summary>Writes samples as the little-endian raw input opj_compress reads with -F w,h,c,bits,s|u (.rawl).</summary>
    public static void WriteRaw(string path, ReadOnlySpan<int> samples, int precision = 16)
    {
        int size = precision <= 8 ? 1 : 2;
        var bytes = new byte[samples.Length * size];
        for (int i = 0; i < samples.Length; i++)
        {
            bytes[size * i] = (byte)samples[i];
            if (size == 2) bytes[2 * i + 1] = (byte)(samples[i] >> 8);
        }
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>The compressed bytes of frame <paramref name="frame"/> of an encapsulated DICOM file.</summary>
    public static byte[] FrameBytes(string dicomPath, int frame = 0)
    {
        var file = DicomFile.Open(dicomPath);
        var format = DicomPixelFormat.Read(file);
        var element = file.Dataset.Find(DicomTags.PixelData)!;
        return element.Fragments!.Frame(frame, format.Frames, dicomPath).ToArray();
    }

    /// <summary>Largest absolute difference, and how many samples differ.</summary>
    public static (int Max, int Count) Difference(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        Assert.That(a.Length, Is.EqualTo(b.Length), "sample count");
        int max = 0, count = 0;
        for (int i = 0; i < a.Length; i++)
        {
            int d = Math.Abs(a[i] - b[i]);
            if (d == 0) continue;
            count++;
            max = Math.Max(max, d);
        }
        return (max, count);
    }
}
