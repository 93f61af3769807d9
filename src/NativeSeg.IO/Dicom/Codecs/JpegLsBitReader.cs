using System.Numerics;

namespace NativeSeg.IO.Dicom.Codecs;

/// <summary>
/// Reads a JPEG-LS scan (ITU-T T.87 A.1) bit by bit, most significant bit first. JPEG-LS stuffs bits, not bytes:
/// after a 0xFF byte the next byte carries only 7 data bits below a 0 bit, and a 0xFF followed by a byte with its top
/// bit set is a marker, where data stops. Past the data the reader feeds zero bits and counts them, so a truncated
/// stream is reported instead of looping.
/// </summary>
internal ref struct JpegLsBitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;
    private ulong _bits;      // pending bits, left-aligned at bit 63
    private int _bitCount;
    private int _fakeBits;    // zero bits fed past the end of data, still in _bits or consumed
    private bool _afterFF;

    public JpegLsBitReader(ReadOnlySpan<byte> data, int position)
    {
        _data = data;
        _position = position;
    }

    /// <summary>True when more bits were consumed than the data held.</summary>
    public readonly bool Overrun => _bitCount < _fakeBits;

    public int ReadBit()
    {
        if (_bitCount < 1) Fill();
        int bit = (int)(_bits >> 63);
        _bits <<= 1;
        _bitCount--;
        return bit;
    }

    /// <summary>Reads <paramref name="count"/> (0..31) bits as an unsigned value.</summary>
    public int Read(int count)
    {
        if (count == 0) return 0;
        if (_bitCount < count) Fill();
        int value = (int)(_bits >> (64 - count));
        _bits <<= count;
        _bitCount -= count;
        return value;
    }

    /// <summary>
    /// Counts 0 bits up to and including the next 1 bit and returns the number of zeros; stops at
    /// <paramref name="limit"/> zeros (then no 1 bit is consumed).
    /// </summary>
    public int ReadUnary(int limit)
    {
        int zeros = 0;
        while (true)
        {
            if (_bitCount < 32) Fill();
            // Zero bits fed past the end count too, so a truncated stream still ends at the limit.
            int run = _bits == 0 ? _bitCount : Math.Min(BitOperations.LeadingZeroCount(_bits), _bitCount);
            if (zeros + run >= limit)
            {
                int take = limit - zeros;
                _bits <<= take;
                _bitCount -= take;
                return limit;
            }
            zeros += run;
            if (run < _bitCount)
            {
                // The 1 bit is in the buffer: consume it with the zeros before it.
                _bits <<= run + 1;
                _bitCount -= run + 1;
                return zeros;
            }
            _bits = 0;
            _bitCount = 0;
        }
    }

    private void Fill()
    {
        while (_bitCount <= 56)
        {
            int b = 0, width = 8;
            int p = _position;
            if (p < _data.Length && _data[p] != 0xFF && !_afterFF)
            {
                // The common case: an ordinary byte after an ordinary byte.
                b = _data[p];
                _position = p + 1;
            }
            else if (p < _data.Length && !IsMarkerAt(p))
            {
                b = _data[p];
                _position = p + 1;
                if (_afterFF) width = 7; // the stuffed 0 bit on top is not data
                _afterFF = b == 0xFF;
            }
            else
            {
                _fakeBits += 8;
            }
            _bits |= (ulong)b << (64 - width - _bitCount);
            _bitCount += width;
        }
    }

    /// <summary>A 0xFF is data only when a byte below 0x80 follows it; otherwise it starts a marker (or the data ends).</summary>
    private readonly bool IsMarkerAt(int p) => _data[p] == 0xFF && (p + 1 >= _data.Length || _data[p + 1] >= 0x80);
}
