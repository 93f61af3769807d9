namespace NativeSeg.IO.Dicom.Codecs;

/// <summary>
/// One scan of a progressive JPEG frame (T.81 annex G), single component: it adds to the frame's coefficients a
/// spectral band (Ss..Se, zig-zag indices) at one bit position (Al), either the first pass at that band (Ah = 0) or a
/// refinement of one more bit (Ah = Al + 1). DC and AC bands are separate scans; AC scans code runs of all-zero
/// blocks as end-of-band runs (EOBRUN) that may span blocks and restart intervals end.
/// </summary>
internal ref struct JpegProgressiveScan
{
    private readonly JpegHuffmanTable? _dc, _ac;
    private readonly int _start, _end, _high, _low;
    private readonly ReadOnlySpan<byte> _zigZag;
    private int _endOfBandRun;

    public JpegProgressiveScan(JpegHuffmanTable? dc, JpegHuffmanTable? ac, int start, int end, int high, int low, ReadOnlySpan<byte> zigZag)
    {
        _dc = dc;
        _ac = ac;
        _start = start;
        _end = end;
        _high = high;
        _low = low;
        _zigZag = zigZag;
    }

    /// <summary>Starts a restart interval: the end-of-band run does not carry over a restart marker.</summary>
    public void Restart() => _endOfBandRun = 0;

    /// <summary>Decodes this scan's part of one block into <paramref name="block"/> (natural order).</summary>
    public void DecodeBlock(ref JpegBitReader reader, Span<short> block, ref int dcPrediction, Func<string, InvalidInputException> corrupt)
    {
        if (_start == 0)
        {
            if (_high == 0)
            {
                int length = _dc!.Decode(reader.Peek16(), out int category);
                if (length == 0) throw corrupt("the JPEG scan holds a code that is not in its DC Huffman table");
                reader.Skip(length);
                if (category != 0) dcPrediction += Extend(reader.Read(category), category);
                block[0] = (short)(dcPrediction << _low);
            }
            else if (reader.Read(1) != 0)
            {
                block[0] |= (short)(1 << _low);
            }
            return;
        }
        if (_high == 0) DecodeAcFirst(ref reader, block, corrupt);
        else DecodeAcRefinement(ref reader, block, corrupt);
    }

    /// <summary>G.1.2.2: the first pass over an AC band, coefficients scaled up by 2^Al.</summary>
    private void DecodeAcFirst(ref JpegBitReader reader, Span<short> block, Func<string, InvalidInputException> corrupt)
    {
        if (_endOfBandRun > 0)
        {
            _endOfBandRun--;
            return;
        }
        for (int k = _start; k <= _end; k++)
        {
            int length = _ac!.Decode(reader.Peek16(), out int runSize);
            if (length == 0) throw corrupt("the JPEG scan holds a code that is not in its AC Huffman table");
            reader.Skip(length);
            int run = runSize >> 4, size = runSize & 15;
            if (size == 0)
            {
                if (run < 15)
                {
                    // EOBr: this block and 2^r − 1 + (r extra bits) more end their band here.
                    _endOfBandRun = (1 << run) - 1 + reader.Read(run);
                    return;
                }
                k += 15; // ZRL
                continue;
            }
            k += run;
            block[_zigZag[k]] = (short)(Extend(reader.Read(size), size) << _low);
        }
    }

    /// <summary>
    /// G.1.2.3: one more bit of an AC band. Coefficients already non-zero get a correction bit each, in band order,
    /// wherever the decoder passes them; a new coefficient (always ±1 at this bit) is placed after skipping the given
    /// number of still-zero coefficients. Inside an end-of-band run only the correction bits remain.
    /// </summary>
    private void DecodeAcRefinement(ref JpegBitReader reader, Span<short> block, Func<string, InvalidInputException> corrupt)
    {
        int plus = 1 << _low, minus = -1 << _low;
        int k = _start;
        if (_endOfBandRun == 0)
        {
            for (; k <= _end; k++)
            {
                int length = _ac!.Decode(reader.Peek16(), out int runSize);
                if (length == 0) throw corrupt("the JPEG scan holds a code that is not in its AC Huffman table");
                reader.Skip(length);
                int zerosToSkip = runSize >> 4, size = runSize & 15, newValue = 0;
                if (size != 0)
                {
                    if (size != 1) throw corrupt($"a refinement scan codes a new coefficient of size {size} (must be 1)");
                    newValue = reader.Read(1) != 0 ? plus : minus;
                }
                else if (zerosToSkip != 15)
                {
                    _endOfBandRun = (1 << zerosToSkip) + reader.Read(zerosToSkip);
                    break; // the rest of this block is refined as part of the run below
                }
                // Walk the band: refine non-zero coefficients, count down the zero ones until the target position.
                for (; k <= _end; k++)
                {
                    ref short coefficient = ref block[_zigZag[k]];
                    if (coefficient != 0)
                        Refine(ref reader, ref coefficient, plus, minus);
                    else if (--zerosToSkip < 0)
                        break;
                }
                if (newValue != 0 && k <= _end) block[_zigZag[k]] = (short)newValue;
            }
        }
        if (_endOfBandRun > 0)
        {
            for (; k <= _end; k++)
            {
                ref short coefficient = ref block[_zigZag[k]];
                if (coefficient != 0) Refine(ref reader, ref coefficient, plus, minus);
            }
            _endOfBandRun--;
        }
    }

    /// <summary>A correction bit of 1 adds one unit at this bit position, away from zero, unless that bit is already set.</summary>
    private static void Refine(ref JpegBitReader reader, ref short coefficient, int plus, int minus)
    {
        if (reader.Read(1) != 0 && (coefficient & plus) == 0)
            coefficient += (short)(coefficient >= 0 ? plus : minus);
    }

    private static int Extend(int bits, int size) => bits < 1 << (size - 1) ? bits - (1 << size) + 1 : bits;
}
