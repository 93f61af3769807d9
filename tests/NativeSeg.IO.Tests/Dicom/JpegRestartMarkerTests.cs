using NativeSeg.IO.Dicom.Codecs;

namespace NativeSeg.IO.Tests.Dicom;

/// <summary>
/// dcmtk's encoder writes no restart markers, so this test encodes a JPEG lossless stream itself (T.81 annex H,
/// predictor 1, a restart interval of two rows, RST0..RST7 cycling) and checks that the decoder restores every
/// sample, resetting prediction after each marker as H.1.2.1 requires.
/// </summary>
public class JpegRestartMarkerTests
{
    private const int Rows = 23, Columns = 17;

    [Test]
    public void RestartIntervalsDecodeToTheEncodedSamples()
    {
        var samples = TestImage();
        var jpeg = Encode(samples, restartInterval: 2 * Columns);
        Assert.That(CountRestartMarkers(jpeg), Is.EqualTo((Rows * Columns - 1) / (2 * Columns)));
        var decoded = new int[Rows * Columns];
        JpegLosslessDecoder.Decode(jpeg, Rows, Columns, decoded, "restart.jpg");
        Assert.That(decoded, Is.EqualTo(samples));
    }

    [Test]
    public void MissingRestartMarkerIsReported()
    {
        var jpeg = Encode(TestImage(), restartInterval: 2 * Columns);
        int marker = Array.FindIndex(jpeg, 200, b => b == 0xFF);
        while (jpeg[marker + 1] is < 0xD0 or > 0xD7) marker = Array.IndexOf(jpeg, (byte)0xFF, marker + 1);
        jpeg[marker + 1] = 0xD5; // the wrong RST number
        var e = Assert.Throws<InvalidInputException>(() => JpegLosslessDecoder.Decode(jpeg, Rows, Columns, new int[Rows * Columns], "bad.jpg"))!;
        Assert.That(e.Reason, Does.Contain("RST"));
    }

    private static int[] TestImage()
    {
        var random = new Random(7);
        var samples = new int[Rows * Columns];
        for (int i = 0; i < samples.Length; i++)
            samples[i] = i % 5 == 0 ? random.Next(65536) : (30000 + 40 * (i % Columns) + random.Next(-300, 300)) & 0xFFFF;
        samples[3] = 0xFFFF; // runs of 0xFF bytes force byte stuffing
        samples[4] = 0xFFFF;
        return samples;
    }

    private static int CountRestartMarkers(byte[] jpeg)
    {
        int count = 0;
        for (int i = 0; i + 1 < jpeg.Length; i++)
            if (jpeg[i] == 0xFF && jpeg[i + 1] is >= 0xD0 and <= 0xD7) count++;
        return count;
    }

    /// <summary>
    /// A minimal 16-bit lossless encoder: one Huffman table giving every category 0..16 a 5-bit code equal to the
    /// category, predictor 1, no point transform.
    /// </summary>
    private static byte[] Encode(int[] samples, int restartInterval)
    {
        var output = new List<byte> { 0xFF, 0xD8 };
        output.AddRange([0xFF, 0xC3, 0, 11, 16, Rows >> 8, Rows & 255, Columns >> 8, Columns & 255, 1, 1, 0x11, 0]);
        output.AddRange([0xFF, 0xC4, 0, 2 + 1 + 16 + 17, 0x00]);
        for (int length = 1; length <= 16; length++) output.Add((byte)(length == 5 ? 17 : 0));
        for (int symbol = 0; symbol <= 16; symbol++) output.Add((byte)symbol);
        output.AddRange([0xFF, 0xDD, 0, 4, (byte)(restartInterval >> 8), (byte)restartInterval]);
        output.AddRange([0xFF, 0xDA, 0, 8, 1, 1, 0x00, 1, 0, 0]);

        var bits = new BitWriter(output);
        int marker = 0;
        for (int i = 0; i < samples.Length; i++)
        {
            int x = i % Columns, y = i / Columns;
            bool intervalStart = i % restartInterval == 0;
            if (intervalStart && i > 0)
            {
                bits.PadToByte();
                output.AddRange([0xFF, (byte)(0xD0 + marker)]);
                marker = (marker + 1) & 7;
            }
            bool firstRowOfInterval = y % (restartInterval / Columns) == 0;
            int prediction = intervalStart ? 1 << 15 : firstRowOfInterval ? samples[i - 1] : x == 0 ? samples[i - Columns] : samples[i - 1];
            int difference = (samples[i] - prediction) & 0xFFFF;
            if (difference > 32768) difference -= 65536; // modulo 2^16 into −32767..32768
            int category = difference == 0 ? 0 : difference == 32768 ? 16 : 32 - int.LeadingZeroCount(Math.Abs(difference));
            bits.Write(category, 5);
            if (category is > 0 and < 16)
                bits.Write(difference > 0 ? difference : difference + (1 << category) - 1, category);
        }
        bits.PadToByte();
        output.AddRange([0xFF, 0xD9]);
        return [.. output];
    }

    private sealed class BitWriter(List<byte> output)
    {
        private int _buffer, _count;

        public void Write(int value, int count)
        {
            for (int b = count - 1; b >= 0; b--)
            {
                _buffer = _buffer << 1 | ((value >> b) & 1);
                if (++_count == 8) Flush();
            }
        }

        public void PadToByte()
        {
            while (_count != 0) Write(1, 1);
        }

        private void Flush()
        {
            output.Add((byte)_buffer);
            if (_buffer == 0xFF) output.Add(0); // byte stuffing
            _buffer = 0;
            _count = 0;
        }
    }
}
