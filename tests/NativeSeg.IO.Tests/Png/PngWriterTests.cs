using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using NativeSeg.IO.Png;

namespace NativeSeg.IO.Tests.Png;

public class PngWriterTests
{
    [Test]
    public void Crc32MatchesTheStandardCheckValues()
    {
        Assert.That(Crc32.Compute(Encoding.ASCII.GetBytes("123456789")), Is.EqualTo(0xCBF43926u));
        Assert.That(Crc32.Compute(Encoding.ASCII.GetBytes("IEND")), Is.EqualTo(0xAE426082u)); // every PNG ends with it
    }

    [TestCase(3)]
    [TestCase(1)]
    public void EncodesPixelsThatDecodeBack(int channels)
    {
        const int width = 37, height = 11;
        var pixels = new byte[width * height * channels];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 31 % 251);
        byte[] png = channels == 3 ? PngWriter.EncodeRgb(width, height, pixels) : PngWriter.EncodeGray(width, height, pixels);

        Assert.That(png.AsSpan(0, 8).ToArray(), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }));
        var chunks = new List<(string Type, byte[] Data)>();
        for (int offset = 8; offset < png.Length;)
        {
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset));
            string type = Encoding.ASCII.GetString(png, offset + 4, 4);
            byte[] data = png.AsSpan(offset + 8, length).ToArray();
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            Assert.That(crc, Is.EqualTo(Crc32.Compute(png.AsSpan(offset + 4, 4 + length))), $"CRC of {type}");
            chunks.Add((type, data));
            offset += 12 + length;
        }
        Assert.That(chunks.Select(c => c.Type), Is.EqualTo(new[] { "IHDR", "IDAT", "IEND" }));
        var header = chunks[0].Data;
        Assert.That(BinaryPrimitives.ReadUInt32BigEndian(header), Is.EqualTo(width));
        Assert.That(BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4)), Is.EqualTo(height));
        Assert.That(header[8], Is.EqualTo(8));
        Assert.That(header[9], Is.EqualTo(channels == 3 ? 2 : 0));

        using var zlib = new ZLibStream(new MemoryStream(chunks[1].Data), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        byte[] rows = raw.ToArray();
        int stride = width * channels + 1;
        Assert.That(rows.Length, Is.EqualTo(stride * height));
        for (int y = 0; y < height; y++)
        {
            Assert.That(rows[y * stride], Is.EqualTo(0), "filter type");
            Assert.That(rows.AsSpan(y * stride + 1, width * channels).ToArray(), Is.EqualTo(pixels.AsSpan(y * width * channels, width * channels).ToArray()));
        }
    }

    [Test]
    public void RejectsWrongBufferSizes()
    {
        Assert.Throws<ArgumentException>(() => PngWriter.EncodeRgb(4, 4, new byte[47]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PngWriter.EncodeGray(0, 4, []));
    }
}
