using System.Buffers.Binary;
using System.Diagnostics;

namespace NativeSeg.Benchmarks.Io;

/// <summary>
/// Makes the compressed files the codec benchmarks decode (with dcmtk or GDCM, which must be installed) and runs the
/// reference decoders as processes. To separate a reference decoder's per-slice decode time from its process launch
/// and file I/O, each is also timed on a multi-frame file of <see cref="Frames"/> copies of the slice:
/// (time for N frames − time for 1 frame) / (N − 1).
/// </summary>
internal static class ReferenceCodecFiles
{
    public const int Frames = 20;

    /// <summary>A fresh folder under the system temp folder.</summary>
    public static string NewFolder(string name)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"nativeseg-bench-{name}-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>LCTSC Case_009 slice 60 (512×512, 12-bit stored) from the shared data.</summary>
    public static string Case009Slice => SharedDataFolder.Path("lctsc", "Case_009_dicom", "1-060.dcm");

    /// <summary>Runs a tool to completion; throws when it is missing or fails.</summary>
    public static void Run(string tool, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })
            ?? throw new InvalidOperationException($"cannot start {tool}");
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited {process.ExitCode}: {stderr.Result}");
    }

    /// <summary>
    /// The single-frame encapsulated file <paramref name="source"/> as a file of <paramref name="frames"/> identical
    /// frames: NumberOfFrames inserted before Rows, the fragment repeated, a basic offset table pointing at each copy.
    /// Enough for dcmtk's and GDCM's output (explicit VR little endian, one fragment, no NumberOfFrames yet).
    /// </summary>
    public static void WriteMultiFrame(string source, int frames, string output)
    {
        var bytes = File.ReadAllBytes(source);
        ReadOnlySpan<byte> rows = [0x28, 0x00, 0x10, 0x00, (byte)'U', (byte)'S', 0x02, 0x00];
        ReadOnlySpan<byte> pixelData = [0xE0, 0x7F, 0x10, 0x00, (byte)'O', (byte)'B', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF];
        int rowsAt = bytes.AsSpan().IndexOf(rows), pixelAt = bytes.AsSpan().LastIndexOf(pixelData);
        if (rowsAt < 0 || pixelAt < 0) throw new InvalidOperationException($"{source}: not the expected layout");
        int at = pixelAt + pixelData.Length;
        int tableLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + 4));
        at += 8 + tableLength;
        int fragmentLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + 4));
        var fragmentItem = bytes.AsSpan(at, 8 + fragmentLength).ToArray();

        using var stream = File.Create(output);
        stream.Write(bytes.AsSpan(0, rowsAt));
        string text = frames.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var count = System.Text.Encoding.ASCII.GetBytes(text.Length % 2 == 1 ? text + " " : text); // even length, space-padded
        stream.Write([0x28, 0x00, 0x08, 0x00, (byte)'I', (byte)'S', (byte)count.Length, 0]);
        stream.Write(count);
        stream.Write(bytes.AsSpan(rowsAt, pixelAt + pixelData.Length - rowsAt));
        var table = new byte[8 + 4 * frames];
        BinaryPrimitives.WriteUInt32LittleEndian(table, 0xE000FFFE);
        BinaryPrimitives.WriteInt32LittleEndian(table.AsSpan(4), 4 * frames);
        for (int f = 0; f < frames; f++) BinaryPrimitives.WriteInt32LittleEndian(table.AsSpan(8 + 4 * f), f * fragmentItem.Length);
        stream.Write(table);
        for (int f = 0; f < frames; f++) stream.Write(fragmentItem);
        stream.Write([0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]);
    }
}
