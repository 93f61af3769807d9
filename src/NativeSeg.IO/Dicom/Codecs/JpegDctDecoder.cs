using System.Buffers.Binary;

namespace NativeSeg.IO.Dicom.Codecs;

/// <summary>
/// Lossy JPEG (ITU T.81): baseline (process 1, SOF0, 8-bit) and extended sequential (processes 2 and 4, SOF1, 8 or
/// 12-bit), Huffman coded, one component — DICOM's "JPEG Baseline" and "JPEG Extended" transfer syntaxes as CT
/// uses them. Each 8×8 block arrives as a Huffman-coded DC difference and run-length-coded AC coefficients in
/// zig-zag order; they are dequantised and inverse transformed with <see cref="JpegIslowIdct"/>, the integer IDCT
/// that dcmtk's <c>dcmdjpeg</c> (libjpeg 6b) uses, so the samples equal the reference decoder's. Restart intervals
/// are honoured. Progressive frames (SOF2, processes 10 and 12: spectral selection and successive approximation)
/// are decoded scan by scan into a coefficient buffer (<see cref="JpegProgressiveScan"/>) and transformed at the end,
/// as libjpeg does for a fully received file (fully refined low-frequency coefficients: no block smoothing).
/// Hierarchical, arithmetic-coded and multi-component frames are refused by name.
/// </summary>
internal static class JpegDctDecoder
{
    private const int Soi = 0xD8, Eoi = 0xD9, Sof0 = 0xC0, Sof1 = 0xC1, Sof2 = 0xC2, Sof3 = 0xC3, Dht = 0xC4, Dqt = 0xDB,
        Sos = 0xDA, Dri = 0xDD, Dnl = 0xDC;

    /// <summary>A real progressive greyscale frame has about 6–12 scans; more only multiplies the work a crafted file asks for.</summary>
    private const int MaxProgressiveScans = 64;

    /// <summary>
    /// Natural (row-major) position of each zig-zag index, walking the anti-diagonals of the 8×8 block alternately
    /// up and down (T.81 figure A.6); indices 64..79 map to 63, so a corrupt run that skips past the block's end
    /// writes its last coefficient as libjpeg does instead of leaving the array.
    /// </summary>
    private static readonly byte[] ZigZag = BuildZigZag();

    /// <summary>
    /// Decodes one frame into <paramref name="samples"/> (rows × columns unsigned P-bit values).
    /// <paramref name="frame"/> (0-based) is named in error messages.
    /// </summary>
    public static void Decode(ReadOnlySpan<byte> data, int rows, int columns, Span<int> samples, string path, int frame)
    {
        var context = new ErrorContext(path, frame);
        if (data.Length < 4 || data[0] != 0xFF || data[1] != Soi)
            throw context.Corrupt("the frame does not start with a JPEG SOI marker");

        var dcTables = new JpegHuffmanTable?[4];
        var acTables = new JpegHuffmanTable?[4];
        var quantTables = new int[4][];
        FrameHeader? header = null;
        short[]? coefficients = null; // progressive: every block's coefficients, natural order, block after block
        int[]? progressiveQuantization = null;
        int restartInterval = 0, tablesDefined = 0, scans = 0;
        int pos = 2;
        while (true)
        {
            // Markers may be preceded by any number of 0xFF fill bytes (T.81 B.1.1.2).
            if (pos >= data.Length || data[pos] != 0xFF)
                throw context.Corrupt($"expected a JPEG marker at byte {pos}");
            while (pos < data.Length && data[pos] == 0xFF) pos++;
            if (pos >= data.Length) throw context.Corrupt("the data ends inside a marker");
            int marker = data[pos++];
            if (marker == Eoi)
            {
                if (coefficients is null || header is null) throw context.Corrupt("the data ends before its scan");
                TransformAll(coefficients, progressiveQuantization!, header, samples);
                return;
            }
            if (marker is >= 0xD0 and <= 0xD7 or 0x01) continue; // markers without a length
            if (pos + 2 > data.Length) throw context.Corrupt("the data ends inside a segment length");
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
            if (length < 2 || pos + length > data.Length)
                throw context.Corrupt($"a segment (marker 0x{marker:X2}) claims {length} bytes past the end of the data");
            var segment = data.Slice(pos + 2, length - 2);
            pos += length;
            switch (marker)
            {
                case Sof0 or Sof1 or Sof2:
                    if (header is not null) throw context.Corrupt("the data holds a second frame header");
                    header = ReadFrameHeader(segment, marker, rows, columns, context);
                    break;
                case Sof3:
                    throw context.Corrupt("the frame is lossless JPEG (SOF3) under a lossy JPEG transfer syntax");
                case >= 0xC5 and <= 0xCF when marker is not (0xC8 or 0xCC):
                    throw new InvalidInputException(path, $"frame {frame + 1} uses JPEG process SOF{marker - 0xC0} (hierarchical or arithmetic coded), which NativeSeg does not decode; convert it with `dcmdjpeg in.dcm out.dcm` (dcmtk)");
                case Dht:
                    // Each table is a 128 KiB lookup; a sequential frame defines up to four, a progressive one a segment per
                    // scan. Cap the work a crafted file can ask for.
                    if (++tablesDefined > MaxProgressiveScans) throw context.Corrupt($"the frame defines more than {MaxProgressiveScans} Huffman table segments");
                    ReadHuffmanTables(segment, dcTables, acTables, context);
                    break;
                case Dqt:
                    ReadQuantizationTables(segment, quantTables, context);
                    break;
                case Dri:
                    if (segment.Length < 2) throw context.Corrupt("a DRI segment is too short");
                    restartInterval = BinaryPrimitives.ReadUInt16BigEndian(segment);
                    break;
                case Sos when header is { Progressive: true }:
                    if (++scans > MaxProgressiveScans) throw context.Corrupt($"the progressive frame has more than {MaxProgressiveScans} scans");
                    // The quantization table is the one defined when the component's first scan starts (as libjpeg latches it).
                    progressiveQuantization ??= quantTables[header.QuantTable] ?? throw context.Corrupt($"the frame uses quantization table {header.QuantTable}, which was never defined");
                    coefficients ??= new short[BlockCount(header) * 64];
                    pos = DecodeProgressiveScan(data, pos, segment, header, dcTables, acTables, restartInterval, coefficients, context);
                    break;
                case Sos:
                    if (header is null) throw context.Corrupt("the scan comes before a baseline, extended or progressive (SOF0/SOF1/SOF2) frame header");
                    var scan = ReadScanHeader(segment, header, dcTables, acTables, quantTables, context);
                    DecodeScan(data, pos, header, scan, restartInterval, samples, context);
                    return; // a single-component sequential frame is one scan; what follows (EOI) is not needed
                case Dnl:
                    throw context.Corrupt("DNL markers (image height given after the scan) are not supported");
                default:
                    break; // APPn, COM and others carry nothing the decoder needs
            }
        }
    }

    private sealed record FrameHeader(int Precision, int Rows, int Columns, int ComponentId, int QuantTable, bool Progressive)
    {
        public int BlocksPerRow => (Columns + 7) / 8;
        public int BlockRows => (Rows + 7) / 8;
    }

    private static int BlockCount(FrameHeader header) => header.BlocksPerRow * header.BlockRows;

    private sealed record ScanTables(JpegHuffmanTable Dc, JpegHuffmanTable Ac, int[] Quantization);

    private static FrameHeader ReadFrameHeader(ReadOnlySpan<byte> s, int marker, int rows, int columns, ErrorContext context)
    {
        bool baseline = marker == Sof0;
        if (s.Length < 6) throw context.Corrupt("the frame header is too short");
        int precision = s[0], height = BinaryPrimitives.ReadUInt16BigEndian(s[1..]), width = BinaryPrimitives.ReadUInt16BigEndian(s[3..]), components = s[5];
        if (baseline ? precision != 8 : precision is not (8 or 12))
            throw context.Corrupt($"sample precision {precision} is not allowed in {(baseline ? "baseline JPEG (8)" : "extended or progressive JPEG (8 or 12)")}");
        if (components != 1)
            throw new InvalidInputException(context.Path, $"frame {context.Frame + 1} is a {components}-component JPEG; only single-component (greyscale) CT is supported");
        if (s.Length < 9) throw context.Corrupt("the frame header is too short");
        if (height != rows || width != columns)
            throw context.Corrupt($"the JPEG frame is {width}×{height} but the DICOM header says {columns}×{rows}");
        if (s[8] > 3) throw context.Corrupt($"quantization table {s[8]} is outside 0..3");
        return new FrameHeader(precision, height, width, s[6], s[8], marker == Sof2);
    }

    private static void ReadHuffmanTables(ReadOnlySpan<byte> s, JpegHuffmanTable?[] dc, JpegHuffmanTable?[] ac, ErrorContext context)
    {
        while (s.Length > 0)
        {
            if (s.Length < 17) throw context.Corrupt("a DHT segment is too short");
            int tableClass = s[0] >> 4, id = s[0] & 15;
            if (tableClass > 1 || id > 3) throw context.Corrupt($"DHT class {tableClass} id {id} is not a DC or AC table 0..3");
            var counts = s.Slice(1, 16);
            int total = 0;
            foreach (var c in counts) total += c;
            if (total > 256 || s.Length < 17 + total) throw context.Corrupt("a DHT segment lists more symbols than it holds");
            var symbols = s.Slice(17, total);
            if (tableClass == 0)
                foreach (var symbol in symbols)
                    if (symbol > 15) throw context.Corrupt($"a DC Huffman table holds category {symbol} (at most 15)");
            var table = new JpegHuffmanTable(counts, symbols, context.Path);
            if (tableClass == 0) dc[id] = table;
            else ac[id] = table;
            s = s[(17 + total)..];
        }
    }

    /// <summary>DQT (T.81 B.2.4.1): 8- or 16-bit entries in zig-zag order, stored here in natural order.</summary>
    private static void ReadQuantizationTables(ReadOnlySpan<byte> s, int[][] tables, ErrorContext context)
    {
        while (s.Length > 0)
        {
            int entryBytes = (s[0] >> 4) + 1, id = s[0] & 15;
            if (entryBytes > 2 || id > 3) throw context.Corrupt($"DQT precision {entryBytes - 1} id {id} is not 0..1 and 0..3");
            if (s.Length < 1 + 64 * entryBytes) throw context.Corrupt("a DQT segment is too short");
            var table = new int[64];
            for (int k = 0; k < 64; k++)
                table[ZigZag[k]] = entryBytes == 1 ? s[1 + k] : BinaryPrimitives.ReadUInt16BigEndian(s[(1 + 2 * k)..]);
            tables[id] = table;
            s = s[(1 + 64 * entryBytes)..];
        }
    }

    private static ScanTables ReadScanHeader(ReadOnlySpan<byte> s, FrameHeader header, JpegHuffmanTable?[] dc, JpegHuffmanTable?[] ac,
        int[][] quantTables, ErrorContext context)
    {
        if (s.Length < 6 || s[0] != 1) throw context.Corrupt("the SOS segment is malformed or names more than one component");
        if (s[1] != header.ComponentId) throw context.Corrupt($"the scan names component {s[1]}, the frame has {header.ComponentId}");
        int dcId = s[2] >> 4, acId = s[2] & 15;
        if (dcId > 3 || acId > 3) throw context.Corrupt($"the scan uses Huffman tables {dcId}/{acId}, outside 0..3");
        if (s[3] != 0 || s[4] != 63 || s[5] != 0)
            throw context.Corrupt($"the scan covers coefficients {s[3]}..{s[4]} with successive approximation {s[5]:X2}; a sequential scan covers 0..63 at once");
        var dcTable = dc[dcId] ?? throw context.Corrupt($"the scan uses DC Huffman table {dcId}, which was never defined");
        var acTable = ac[acId] ?? throw context.Corrupt($"the scan uses AC Huffman table {acId}, which was never defined");
        var quantization = quantTables[header.QuantTable] ?? throw context.Corrupt($"the frame uses quantization table {header.QuantTable}, which was never defined");
        return new ScanTables(dcTable, acTable, quantization);
    }

    private static void DecodeScan(ReadOnlySpan<byte> data, int start, FrameHeader header, ScanTables tables, int restartInterval,
        Span<int> samples, ErrorContext context)
    {
        var reader = new JpegBitReader(data, start);
        var idct = new JpegIslowIdct(header.Precision);
        Span<short> coefficients = stackalloc short[64];
        Span<int> block = stackalloc int[64];
        int rows = header.Rows, columns = header.Columns;
        int blocksPerRow = (columns + 7) / 8, blockRows = (rows + 7) / 8;
        int dcPrediction = 0, blocksInInterval = 0, expectedRestart = 0;
        for (int by = 0; by < blockRows; by++)
        {
            for (int bx = 0; bx < blocksPerRow; bx++)
            {
                if (restartInterval > 0 && blocksInInterval == restartInterval)
                {
                    ExpectRestart(ref reader, ref expectedRestart, context);
                    blocksInInterval = 0;
                    dcPrediction = 0;
                }
                DecodeBlock(ref reader, tables, ref dcPrediction, coefficients, context);
                idct.Transform(coefficients, tables.Quantization, block);
                blocksInInterval++;

                int height = Math.Min(8, rows - 8 * by), width = Math.Min(8, columns - 8 * bx);
                for (int r = 0; r < height; r++)
                    block.Slice(8 * r, width).CopyTo(samples.Slice((8 * by + r) * columns + 8 * bx, width));
            }
            if (reader.Overrun) break; // stop early on truncated data: everything after this reads as zero bits
        }
        if (reader.Overrun)
            throw context.Corrupt("the JPEG scan ends before all blocks were decoded");
    }

    /// <summary>
    /// One progressive scan (T.81 G.1.1.1.1 checks its band and bit positions), decoded into
    /// <paramref name="coefficients"/>. Returns the position of the marker after the scan's data.
    /// </summary>
    private static int DecodeProgressiveScan(ReadOnlySpan<byte> data, int start, ReadOnlySpan<byte> s, FrameHeader header,
        JpegHuffmanTable?[] dc, JpegHuffmanTable?[] ac, int restartInterval, short[] coefficients, ErrorContext context)
    {
        if (s.Length < 6 || s[0] != 1) throw context.Corrupt("the SOS segment is malformed or names more than one component");
        if (s[1] != header.ComponentId) throw context.Corrupt($"the scan names component {s[1]}, the frame has {header.ComponentId}");
        int dcId = s[2] >> 4, acId = s[2] & 15, bandStart = s[3], bandEnd = s[4], high = s[5] >> 4, low = s[5] & 15;
        bool dcScan = bandStart == 0;
        if (dcScan ? bandEnd != 0 : bandEnd < bandStart || bandEnd > 63)
            throw context.Corrupt($"the progressive scan covers coefficients {bandStart}..{bandEnd}: a scan is the DC term alone or a band within 1..63");
        if (high != 0 && high != low + 1 || low > 13)
            throw context.Corrupt($"the progressive scan's bit positions Ah {high}, Al {low} are not a first pass or a one-bit refinement");
        if (dcId > 3 || acId > 3) throw context.Corrupt($"the scan uses Huffman tables {dcId}/{acId}, outside 0..3");
        JpegHuffmanTable? dcTable = null, acTable = null;
        if (dcScan && high == 0) dcTable = dc[dcId] ?? throw context.Corrupt($"the scan uses DC Huffman table {dcId}, which was never defined");
        if (!dcScan) acTable = ac[acId] ?? throw context.Corrupt($"the scan uses AC Huffman table {acId}, which was never defined");

        var reader = new JpegBitReader(data, start);
        var scan = new JpegProgressiveScan(dcTable, acTable, bandStart, bandEnd, high, low, ZigZag);
        Func<string, InvalidInputException> corrupt = context.Corrupt;
        int blocks = BlockCount(header), dcPrediction = 0, blocksInInterval = 0, expectedRestart = 0;
        for (int b = 0; b < blocks; b++)
        {
            if (restartInterval > 0 && blocksInInterval == restartInterval)
            {
                ExpectRestart(ref reader, ref expectedRestart, context);
                blocksInInterval = 0;
                dcPrediction = 0;
                scan.Restart();
            }
            scan.DecodeBlock(ref reader, coefficients.AsSpan(64 * b, 64), ref dcPrediction, corrupt);
            blocksInInterval++;
            if ((b & 1023) == 1023 && reader.Overrun) break;
        }
        if (reader.Overrun) throw context.Corrupt("a progressive JPEG scan ends before all blocks were decoded");

        // The next marker: skip the scan's last padding bits (and anything else that is not a marker).
        int pos = reader.Position;
        while (pos + 1 < data.Length && !(data[pos] == 0xFF && data[pos + 1] is not (0x00 or 0xFF) and not (>= 0xD0 and <= 0xD7))) pos++;
        if (pos + 1 >= data.Length) throw context.Corrupt("the progressive JPEG data ends without an EOI marker");
        return pos;
    }

    /// <summary>Dequantises and inverse transforms every block of a progressive frame into the samples.</summary>
    private static void TransformAll(short[] coefficients, int[] quantization, FrameHeader header, Span<int> samples)
    {
        var idct = new JpegIslowIdct(header.Precision);
        Span<int> block = stackalloc int[64];
        int rows = header.Rows, columns = header.Columns, b = 0;
        for (int by = 0; by < header.BlockRows; by++)
        {
            for (int bx = 0; bx < header.BlocksPerRow; bx++, b++)
            {
                idct.Transform(coefficients.AsSpan(64 * b, 64), quantization, block);
                int height = Math.Min(8, rows - 8 * by), width = Math.Min(8, columns - 8 * bx);
                for (int r = 0; r < height; r++)
                    block.Slice(8 * r, width).CopyTo(samples.Slice((8 * by + r) * columns + 8 * bx, width));
            }
        }
    }

    /// <summary>One block's coefficients (T.81 F.2.2): the DC difference, then (run, size) AC codes until EOB or 63.</summary>
    private static void DecodeBlock(ref JpegBitReader reader, ScanTables tables, ref int dcPrediction, scoped Span<short> coefficients, ErrorContext context)
    {
        coefficients.Clear();
        int length = tables.Dc.Decode(reader.Peek16(), out int category);
        if (length == 0) throw context.Corrupt("the JPEG scan holds a code that is not in its DC Huffman table");
        reader.Skip(length);
        if (category != 0) dcPrediction += Extend(reader.Read(category), category);
        coefficients[0] = (short)dcPrediction;

        var ac = tables.Ac;
        for (int k = 1; k < 64; k++)
        {
            length = ac.Decode(reader.Peek16(), out int runSize);
            if (length == 0) throw context.Corrupt("the JPEG scan holds a code that is not in its AC Huffman table");
            reader.Skip(length);
            int run = runSize >> 4, size = runSize & 15;
            if (size == 0)
            {
                if (run != 15) break; // EOB: the rest of the block is zero
                k += 15;              // ZRL: sixteen zeros
                continue;
            }
            k += run;
            coefficients[ZigZag[k]] = (short)Extend(reader.Read(size), size);
        }
    }

    /// <summary>
    /// T.81 F.2.2.1 EXTEND: a size-s magnitude category codes values symmetric around zero; a leading 0 bit marks a
    /// negative value.
    /// </summary>
    private static int Extend(int bits, int size) => bits < 1 << (size - 1) ? bits - (1 << size) + 1 : bits;

    private static void ExpectRestart(ref JpegBitReader reader, ref int expected, ErrorContext context)
    {
        reader.DropBufferedBits();
        int marker = reader.ReadMarker();
        if (marker != 0xD0 + expected)
            throw context.Corrupt(marker < 0 ? "a restart marker is missing" : $"found marker 0x{marker:X2} where restart marker RST{expected} was due");
        expected = (expected + 1) & 7;
    }

    private static byte[] BuildZigZag()
    {
        var order = new byte[80];
        int k = 0;
        for (int diagonal = 0; diagonal < 15; diagonal++)
        {
            // Even diagonals run from bottom-left to top-right, odd ones from top-right to bottom-left.
            int rowStart = Math.Min(diagonal, 7), rowEnd = Math.Max(0, diagonal - 7);
            if (diagonal % 2 == 0)
                for (int r = rowStart; r >= rowEnd; r--) order[k++] = (byte)(8 * r + diagonal - r);
            else
                for (int r = rowEnd; r <= rowStart; r++) order[k++] = (byte)(8 * r + diagonal - r);
        }
        for (; k < order.Length; k++) order[k] = 63;
        return order;
    }

    private readonly record struct ErrorContext(string Path, int Frame)
    {
        public InvalidInputException Corrupt(string reason) => new(Path, $"corrupt JPEG pixel data in frame {Frame + 1}: {reason}");
    }
}
