using System.Buffers.Binary;
using System.IO.Compression;

namespace NativeSeg.IO.Png;

/// <summary>
/// Minimal PNG encoder (ISO/IEC 15948): 8-bit greyscale or RGB, no interlace. Each row gets filter type 0 (none);
/// the filtered rows are zlib-compressed (System.IO.Compression.ZLibStream writes the zlib header and Adler-32) into a
/// single IDAT chunk; every chunk carries the CRC-32 of its type and data.
/// </summary>
public static class PngWriter
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private const byte ColourTypeGrey = 0;
    private const byte ColourTypeRgb = 2;

    /// <summary>Encodes rows of width·height bytes, top row first.</summary>
    public static byte[] EncodeGray(int width, int height, ReadOnlySpan<byte> pixels) => Encode(width, height, pixels, 1, ColourTypeGrey);

    /// <summary>Encodes rows of width·height R, G, B triples, top row first.</summary>
    public static byte[] EncodeRgb(int width, int height, ReadOnlySpan<byte> pixels) => Encode(width, height, pixels, 3, ColourTypeRgb);

    public static void WriteRgb(string path, int width, int height, ReadOnlySpan<byte> pixels) =>
        File.WriteAllBytes(path, EncodeRgb(width, height, pixels));

    private static byte[] Encode(int width, int height, ReadOnlySpan<byte> pixels, int channels, byte colourType)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"PNG size must be positive, got {width}×{height}.");
        long rowBytes = (long)width * channels;
        if (pixels.Length != rowBytes * height)
            throw new ArgumentException($"A {width}×{height} image with {channels} channel(s) needs {rowBytes * height} bytes, got {pixels.Length}.");

        using var output = new MemoryStream();
        output.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], (uint)height);
        header[8] = 8;          // bit depth
        header[9] = colourType;
        header[10] = 0;         // compression: deflate
        header[11] = 0;         // filter method: adaptive (per-row filter byte)
        header[12] = 0;         // no interlace
        WriteChunk(output, "IHDR", header);

        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                for (int y = 0; y < height; y++)
                {
                    zlib.WriteByte(0); // filter type: none
                    zlib.Write(pixels.Slice((int)(y * rowBytes), (int)rowBytes));
                }
            }
            WriteChunk(output, "IDAT", compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        }
        WriteChunk(output, "IEND", ReadOnlySpan<byte>.Empty);
        return output.ToArray();
    }

    private static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        Span<byte> typeBytes = stackalloc byte[4];
        for (int i = 0; i < 4; i++) typeBytes[i] = (byte)type[i];
        output.Write(typeBytes);
        output.Write(data);
        // The CRC covers the chunk type and data, not the length.
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Append(Crc32.Compute(typeBytes), data));
        output.Write(word);
    }
}
