using System.Buffers.Binary;

namespace NativeSeg.IO.Dicom.Codecs;

/// <summary>
/// DICOM RLE Lossless (PS3.5 Annex G). A frame is a 64-byte header (segment count, then 15 segment offsets, all
/// 32-bit little endian) followed by segments. Each segment is one byte plane of the frame, most significant byte
/// first, compressed with PackBits: a header byte n in 0..127 copies the next n+1 bytes, n in −127..−1 repeats
/// the next byte 1−n times, −128 is a no-op.
/// </summary>
internal static class RleDecoder
{
    /// <summary>
    /// Decodes one frame of single-sample pixels into <paramref name="samples"/> as unsigned bit patterns of
    /// <paramref name="bytesPerSample"/> bytes (1 or 2).
    /// </summary>
    public static void Decode(ReadOnlySpan<byte> frame, int bytesPerSample, Span<int> samples, string path)
    {
        if (frame.Length < 64)
            throw Corrupt(path, $"the frame has {frame.Length} bytes, fewer than the 64-byte RLE header");
        uint segmentCount = BinaryPrimitives.ReadUInt32LittleEndian(frame);
        if (segmentCount != bytesPerSample)
            throw Corrupt(path, $"the RLE header lists {segmentCount} segments; {bytesPerSample} expected for {bytesPerSample * 8}-bit single-sample pixels");

        int pixelCount = samples.Length;
        samples.Clear();
        Span<byte> plane = pixelCount <= 1 << 14 ? stackalloc byte[pixelCount] : new byte[pixelCount];
        for (int segment = 0; segment < segmentCount; segment++)
        {
            uint start = BinaryPrimitives.ReadUInt32LittleEndian(frame[(4 + 4 * segment)..]);
            uint end = segment + 1 < segmentCount ? BinaryPrimitives.ReadUInt32LittleEndian(frame[(8 + 4 * segment)..]) : (uint)frame.Length;
            if (start < 64 || start > end || end > frame.Length)
                throw Corrupt(path, $"RLE segment {segment} spans bytes {start}..{end} of a {frame.Length}-byte frame");
            UnpackBits(frame[(int)start..(int)end], plane, segment, path);

            // Segment 0 holds the most significant byte (PS3.5 G.2).
            int shift = 8 * (bytesPerSample - 1 - segment);
            for (int i = 0; i < pixelCount; i++) samples[i] |= plane[i] << shift;
        }
    }

    private static void UnpackBits(ReadOnlySpan<byte> source, Span<byte> plane, int segment, string path)
    {
        int read = 0, written = 0;
        while (written < plane.Length)
        {
            if (read >= source.Length)
                throw Corrupt(path, $"RLE segment {segment} ends after {written} of {plane.Length} bytes");
            int n = (sbyte)source[read++];
            if (n >= 0)
            {
                int count = n + 1;
                if (read + count > source.Length)
                    throw Corrupt(path, $"RLE segment {segment} has a literal run of {count} bytes past its end");
                // A run past the plane's end is clipped: some encoders pad the last run.
                int kept = Math.Min(count, plane.Length - written);
                source.Slice(read, kept).CopyTo(plane[written..]);
                read += count;
                written += kept;
            }
            else if (n != -128)
            {
                int count = Math.Min(1 - n, plane.Length - written);
                if (read >= source.Length)
                    throw Corrupt(path, $"RLE segment {segment} ends inside a repeat run");
                plane.Slice(written, count).Fill(source[read++]);
                written += count;
            }
        }
    }

    private static InvalidInputException Corrupt(string path, string reason) => new(path, $"corrupt RLE pixel data: {reason}");
}
