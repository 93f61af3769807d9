namespace NativeSeg.IO.Dicom.Codecs;

/// <summary>
/// Reads the entropy-coded segment of a JPEG scan bit by bit, most significant bit first. A 0xFF data byte is
/// followed by a stuffed 0x00 that is dropped; 0xFF followed by anything else is a marker, where data stops. Past
/// the data the reader feeds zero bits and counts them, so a truncated stream is reported instead of looping.
/// </summary>
internal ref struct JpegBitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;
    private ulong _bits;      // pending bits, left-aligned at bit 63
    private int _bitCount;
    private int _fakeBits;    // zero bits fed past the end of data, still in _bits or consumed

    public JpegBitReader(ReadOnlySpan<byte> data, int position)
    {
        _data = data;
        _position = position;
    }

    /// <summary>Where the reader stands in the data (after the bytes it has buffered).</summary>
    public readonly int Position => _position;

    /// <summary>True when more bits were consumed than the data held.</summary>
    public readonly bool Overrun => _bitCount < _fakeBits;

    public int Peek16()
    {
        if (_bitCount < 16) Fill();
        return (int)(_bits >> 48);
    }

    public void Skip(int count)
    {
        _bits <<= count;
        _bitCount -= count;
    }

    public int Read(int count)
    {
        if (count == 0) return 0;
        if (_bitCount < count) Fill();
        int value = (int)(_bits >> (64 - count));
        Skip(count);
        return value;
    }

    /// <summary>
    /// Drops the buffered bits at the end of a restart interval. The encoder padded the interval with 1-bits to a
    /// byte boundary and the reader stops buffering at the marker, so <see cref="Position"/> is then at the marker.
    /// </summary>
    public void DropBufferedBits()
    {
        _bits = 0;
        _bitCount = 0;
        _fakeBits = 0;
    }

    /// <summary>Moves past a marker's 0xFF prefix (and any 0xFF fill bytes); returns the marker code, or -1 if none is here.</summary>
    public int ReadMarker()
    {
        int p = _position;
        if (p >= _data.Length || _data[p] != 0xFF) return -1;
        while (p < _data.Length && _data[p] == 0xFF) p++;
        if (p >= _data.Length) return -1;
        _position = p + 1;
        return _data[p];
    }

    private void Fill()
    {
        while (_bitCount <= 56)
        {
            int b = 0;
            if (_position < _data.Length && (_data[_position] != 0xFF || (_position + 1 < _data.Length && _data[_position + 1] == 0x00)))
            {
                b = _data[_position];
                _position += b == 0xFF ? 2 : 1;
            }
            else
            {
                _fakeBits += 8;
            }
            _bits |= (ulong)b << (56 - _bitCount);
            _bitCount += 8;
        }
    }
}
