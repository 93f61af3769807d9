using System.Buffers.Binary;

namespace NativeSeg.IO.Dicom.Codecs;

/// <summary>
/// JPEG lossless, process 14 (ITU T.81 annex H), Huffman coded, one component: the form DICOM uses for its
/// "JPEG Lossless" transfer syntaxes. Each sample is predicted from its decoded neighbours (Ra left, Rb above,
/// Rc above-left) and the stream carries the difference as a Huffman-coded magnitude category SSSS followed by
/// SSSS raw bits. All seven predictors are handled; DICOM's "Selection Value 1" syntax is predictor 1 (Ra).
/// </summary>
internal static class JpegLosslessDecoder
{
    private const int Soi = 0xD8, Eoi = 0xD9, Sof3 = 0xC3, Dht = 0xC4, Sos = 0xDA, Dri = 0xDD, Dnl = 0xDC;

    /// <summary>Decodes one frame into <paramref name="samples"/> (rows × columns, unsigned P-bit values shifted by the point transform).</summary>
    public static void Decode(ReadOnlySpan<byte> data, int rows, int columns, Span<int> samples, string path)
    {
        if (data.Length < 4 || data[0] != 0xFF || data[1] != Soi)
            throw Corrupt(path, "the frame does not start with a JPEG SOI marker");

        var tables = new JpegHuffmanTable?[4];
        int precision = 0, restartInterval = 0, componentId = -1, tablesDefined = 0;
        int pos = 2;
        while (true)
        {
            // Markers may be preceded by any number of 0xFF fill bytes (T.81 B.1.1.2).
            if (pos >= data.Length || data[pos] != 0xFF)
                throw Corrupt(path, $"expected a JPEG marker at byte {pos}");
            while (pos < data.Length && data[pos] == 0xFF) pos++;
            if (pos >= data.Length) throw Corrupt(path, "the JPEG data ends inside a marker");
            int marker = data[pos++];
            if (marker == Eoi) throw Corrupt(path, "the JPEG data ends before its scan");
            if (marker is >= 0xD0 and <= 0xD7 or 0x01) continue; // markers without a length
            if (pos + 2 > data.Length) throw Corrupt(path, "the JPEG data ends inside a segment length");
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
            if (length < 2 || pos + length > data.Length)
                throw Corrupt(path, $"a JPEG segment (marker 0x{marker:X2}) claims {length} bytes past the end of the data");
            var segment = data.Slice(pos + 2, length - 2);
            pos += length;
            switch (marker)
            {
                case Sof3:
                    (precision, componentId) = ReadFrameHeader(segment, rows, columns, path);
                    break;
                case Dht:
                    // Each table is a 128 KiB lookup; a real frame defines one or two. Cap the work a crafted file can ask for.
                    if (++tablesDefined > 16) throw Corrupt(path, "the frame defines more than 16 Huffman table segments");
                    ReadHuffmanTables(segment, tables, path);
                    break;
                case Dri:
                    if (segment.Length < 2) throw Corrupt(path, "a DRI segment is too short");
                    restartInterval = BinaryPrimitives.ReadUInt16BigEndian(segment);
                    break;
                case Sos:
                    if (precision == 0) throw Corrupt(path, "the scan comes before an SOF3 (lossless) frame header");
                    var (table, predictor, pointTransform) = ReadScanHeader(segment, tables, componentId, precision, path);
                    DecodeScan(data, pos, table, predictor, pointTransform, precision, restartInterval, rows, columns, samples, path);
                    return; // DICOM frames hold one scan; what follows (EOI) is not needed
                case Dnl:
                    throw Corrupt(path, "DNL markers (image height given after the scan) are not supported");
                case >= 0xC0 and <= 0xCF when marker is not (0xC4 or 0xC8 or 0xCC):
                    throw new InvalidInputException(path, $"the JPEG frame uses process SOF{marker - 0xC0}, not lossless process 14 (SOF3); convert it with `dcmdjpeg in.dcm out.dcm`");
                default:
                    break; // APPn, COM, DQT and others carry nothing a lossless decoder needs
            }
        }
    }

    private static (int Precision, int ComponentId) ReadFrameHeader(ReadOnlySpan<byte> s, int rows, int columns, string path)
    {
        if (s.Length < 9) throw Corrupt(path, "the SOF3 segment is too short");
        int precision = s[0], height = BinaryPrimitives.ReadUInt16BigEndian(s[1..]), width = BinaryPrimitives.ReadUInt16BigEndian(s[3..]), components = s[5];
        if (precision is < 2 or > 16) throw Corrupt(path, $"JPEG sample precision {precision} is outside 2..16");
        if (components != 1) throw new InvalidInputException(path, $"the JPEG frame has {components} components; only single-component (greyscale) CT is supported");
        if (height != rows || width != columns)
            throw Corrupt(path, $"the JPEG frame is {width}×{height} but the DICOM header says {columns}×{rows}");
        return (precision, s[6]);
    }

    private static void ReadHuffmanTables(ReadOnlySpan<byte> s, JpegHuffmanTable?[] tables, string path)
    {
        while (s.Length > 0)
        {
            if (s.Length < 17) throw Corrupt(path, "a DHT segment is too short");
            int tableClass = s[0] >> 4, id = s[0] & 15;
            if (tableClass != 0 || id > 3) throw Corrupt(path, $"DHT class {tableClass} id {id} is not a lossless (DC-class) table 0..3");
            var counts = s.Slice(1, 16);
            int total = 0;
            foreach (var c in counts) total += c;
            if (total > 256 || s.Length < 17 + total) throw Corrupt(path, "a DHT segment lists more symbols than it holds");
            var symbols = s.Slice(17, total);
            foreach (var symbol in symbols)
                if (symbol > 16) throw Corrupt(path, $"a lossless Huffman table holds category {symbol} (at most 16)");
            tables[id] = new JpegHuffmanTable(counts, symbols, path);
            s = s[(17 + total)..];
        }
    }

    private static (JpegHuffmanTable Table, int Predictor, int PointTransform) ReadScanHeader(ReadOnlySpan<byte> s, JpegHuffmanTable?[] tables, int componentId, int precision, string path)
    {
        if (s.Length < 6 || s[0] != 1) throw Corrupt(path, "the SOS segment is malformed or names more than one component");
        if (s[1] != componentId) throw Corrupt(path, $"the scan names component {s[1]}, the frame has {componentId}");
        var table = tables[s[2] >> 4] ?? throw Corrupt(path, $"the scan uses Huffman table {s[2] >> 4}, which was never defined");
        int predictor = s[3], pointTransform = s[5] & 15;
        if (predictor is < 1 or > 7) throw Corrupt(path, $"lossless predictor (selection value) {predictor} is outside 1..7");
        if (pointTransform >= precision) throw Corrupt(path, $"point transform {pointTransform} is not below precision {precision}");
        return (table, predictor, pointTransform);
    }

    private static void DecodeScan(ReadOnlySpan<byte> data, int start, JpegHuffmanTable table, int predictor, int pointTransform,
        int precision, int restartInterval, int rows, int columns, Span<int> samples, string path)
    {
        var reader = new JpegBitReader(data, start);
        // Differences and reconstructed values are modulo 2^16 (T.81 H.2.1); the reconstructed values have P − Pt bits.
        int initialPrediction = 1 << (precision - pointTransform - 1);
        int mask = (1 << (precision - pointTransform)) - 1;
        int samplesInInterval = 0, expectedRestart = 0;
        bool firstRowOfInterval = true; // the first row of the scan and of each restart interval predicts from the left only
        for (int y = 0; y < rows; y++)
        {
            var row = samples.Slice(y * columns, columns);
            var above = y > 0 ? samples.Slice((y - 1) * columns, columns) : default;
            for (int x = 0; x < columns; x++)
            {
                if (restartInterval > 0 && samplesInInterval == restartInterval)
                {
                    ExpectRestart(ref reader, ref expectedRestart, path);
                    samplesInInterval = 0;
                    firstRowOfInterval = true;
                }
                bool intervalStart = samplesInInterval == 0;
                int prediction;
                if (intervalStart && (y == 0 || restartInterval > 0)) prediction = initialPrediction;
                else if (firstRowOfInterval && x > 0) prediction = row[x - 1];
                else if (x == 0) prediction = above[0];
                else prediction = Predict(predictor, row[x - 1], above[x], above[x - 1]);

                int difference = ReadDifference(ref reader, table, path);
                row[x] = (prediction + difference) & mask;
                samplesInInterval++;
            }
            firstRowOfInterval = false;
        }
        if (reader.Overrun)
            throw Corrupt(path, "the JPEG scan ends before all samples were decoded");
        if (pointTransform > 0)
            for (int i = 0; i < rows * columns; i++) samples[i] <<= pointTransform;
    }

    private static int Predict(int predictor, int a, int b, int c) => predictor switch
    {
        1 => a,
        2 => b,
        3 => c,
        4 => a + b - c,
        5 => a + ((b - c) >> 1),
        6 => b + ((a - c) >> 1),
        _ => (a + b) >> 1,
    };

    private static int ReadDifference(ref JpegBitReader reader, JpegHuffmanTable table, string path)
    {
        int length = table.Decode(reader.Peek16(), out int category);
        if (length == 0) throw Corrupt(path, "the JPEG scan holds a code that is not in its Huffman table");
        reader.Skip(length);
        if (reader.Overrun) throw Corrupt(path, "the JPEG scan ends before all samples were decoded");
        if (category == 0) return 0;
        if (category == 16) return 32768; // T.81 H.1.2.2: no extra bits follow
        int bits = reader.Read(category);
        // Categories code differences symmetric around zero: a leading 0 bit marks a negative value (T.81 F.2.2.1 EXTEND).
        return bits < 1 << (category - 1) ? bits - (1 << category) + 1 : bits;
    }

    private static void ExpectRestart(ref JpegBitReader reader, ref int expected, string path)
    {
        reader.DropBufferedBits();
        int marker = reader.ReadMarker();
        if (marker != 0xD0 + expected)
            throw Corrupt(path, marker < 0 ? "a restart marker is missing" : $"found marker 0x{marker:X2} where restart marker RST{expected} was due");
        expected = (expected + 1) & 7;
    }

    private static InvalidInputException Corrupt(string path, string reason) => new(path, $"corrupt JPEG Lossless pixel data: {reason}");
}
