using System.Text;

namespace NativeSeg.IO;

/// <summary>
/// Tells the image formats apart by their first bytes, so a file is read by the right reader whatever its name, and a
/// format NativeSeg does not read is named in the refusal instead of "not a DICOM file".
/// </summary>
public static class InputFormat
{
    /// <summary>What the readers accept, for messages.</summary>
    public const string Supported = "NativeSeg reads DICOM, NIfTI (.nii, .nii.gz) and NRRD (.nrrd, .nhdr)";

    /// <summary>True when the file starts with NRRD's magic (NRRD0001 … NRRD0005).</summary>
    public static bool IsNrrd(ReadOnlySpan<byte> head) =>
        head.Length >= 8 && head[..7].SequenceEqual("NRRD000"u8) && head[7] is >= (byte)'1' and <= (byte)'5';

    /// <summary>True for an uncompressed single-file NIfTI-1 or -2 ("n+1" / "n+2" magic at its place).</summary>
    public static bool IsNifti(ReadOnlySpan<byte> head) =>
        (head.Length >= 348 && head[344..348].SequenceEqual("n+1\0"u8)) || (head.Length >= 8 && head[4..8].SequenceEqual("n+2\0"u8));

    /// <summary>The name of a format NativeSeg recognises but does not read, or null.</summary>
    public static string? Unsupported(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 2 && head[0] == 0x1F && head[1] == 0x8B)
            return "gzip-compressed file (a compressed NIfTI must be named .nii.gz)";
        if (head.Length >= 8 && head[..8].SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }))
            return "PNG image (a picture, not a CT volume)";
        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
            return "JPEG image (a picture, not a CT volume)";
        if (head.Length >= 4 && (head[..4].SequenceEqual("II*\0"u8) || head[..4].SequenceEqual("MM\0*"u8)))
            return "TIFF image";
        if (head.Length >= 4 && head[..4].SequenceEqual("PK\u0003\u0004"u8))
            return "ZIP archive (unpack it first)";
        if (head.Length >= 3 && head[..3].SequenceEqual("BZh"u8))
            return "bzip2-compressed file (unpack it first)";
        string text = Encoding.Latin1.GetString(head[..Math.Min(head.Length, 64)]);
        if (text.StartsWith("ObjectType", StringComparison.Ordinal) || text.StartsWith("NDims", StringComparison.Ordinal))
            return "MetaImage (.mha/.mhd) file (convert it to NIfTI or NRRD, e.g. with SimpleITK or 3D Slicer)";
        if (head.Length >= 4 && (BitConverter.ToInt32(head[..4]) == 348 || System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(head[..4]) == 348))
            return "Analyze 7.5 or NIfTI header (.hdr/.img pair; convert it to a single .nii file)";
        return null;
    }

    /// <summary>The first bytes of a file (up to 540, NIfTI-2's header), empty when it cannot be read.</summary>
    public static byte[] Head(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            var head = new byte[540];
            int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return head[..read];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
