namespace NativeSeg.IO.Dicom.Codecs.Jpeg2000;

/// <summary>
/// Reads packet-header bits (T.800 B.10.1): most significant bit first; after a 0xFF byte the next byte carries only
/// 7 bits (its top bit is a stuffed 0), so that a header can never form a marker. Reading past the end of the
/// header's bytes means the stream is truncated.
/// </summary>
internal sealed class PacketHeaderBitReader
{
    private byte[] _data = [];
    private int _end;
    private int _byte;   // the byte being read
    private int _bitsLeft;

    /// <summary>Where the next whole byte starts, once <see cref="AlignToByte"/> has been called.</summary>
    public int Position { get; private set; }

    public void Start(byte[] data, int position, int end)
    {
        _data = data;
        Position = position;
        _end = end;
        _byte = 0;
        _bitsLeft = 0;
    }

    public int ReadBit()
    {
        if (_bitsLeft == 0)
        {
            bool stuffed = _byte == 0xFF;
            if (Position >= _end) throw new Jpeg2000FormatException("a packet header runs past the end of its data (truncated stream)");
            _byte = _data[Position++];
            _bitsLeft = stuffed ? 7 : 8;
        }
        _bitsLeft--;
        return (_byte >> _bitsLeft) & 1;
    }

    public int ReadBits(int count)
    {
        int value = 0;
        for (int i = 0; i < count; i++) value = (value << 1) | ReadBit();
        return value;
    }

    /// <summary>
    /// Ends the header: the rest of the current byte is padding, and a header that ends on a 0xFF byte is followed by
    /// one more byte (its stuffed zero bit) so that the header never ends on 0xFF.
    /// </summary>
    public void AlignToByte()
    {
        if (_byte == 0xFF && _bitsLeft == 0)
        {
            if (Position >= _end) throw new Jpeg2000FormatException("a packet header runs past the end of its data (truncated stream)");
            Position++;
        }
        _byte = 0;
        _bitsLeft = 0;
    }

    /// <summary>The number of coding passes a code-block adds (T.800 Table B.4): 1, 2, 3–5, 6–36 or 37–164.</summary>
    public int ReadPassCount()
    {
        if (ReadBit() == 0) return 1;
        if (ReadBit() == 0) return 2;
        int two = ReadBits(2);
        if (two != 3) return 3 + two;
        int five = ReadBits(5);
        if (five != 31) return 6 + five;
        return 37 + ReadBits(7);
    }
}
