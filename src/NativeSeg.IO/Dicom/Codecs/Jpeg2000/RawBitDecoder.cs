namespace NativeSeg.IO.Dicom.Codecs.Jpeg2000;

/// <summary>
/// The raw (bypass) bits of the significance and refinement passes in selective arithmetic coding bypass mode
/// (T.800 D.6): bits most significant first, and after a 0xFF byte only 7 bits of the next (its top bit is stuffed).
/// Past the end of the segment (or at a marker) it reads 1 bits, as the MQ decoder does.
/// </summary>
internal sealed class RawBitDecoder
{
    private byte[] _data = [];
    private int _position, _end;
    private int _byte, _bitsLeft;

    public void Start(byte[] data, int start, int end)
    {
        _data = data;
        _position = start;
        _end = end;
        _byte = 0;
        _bitsLeft = 0;
    }

    public int Decode()
    {
        if (_bitsLeft == 0)
        {
            int current = _position < _end ? _data[_position] : 0xFF;
            if (_byte == 0xFF)
            {
                if (current > 0x8F)
                {
                    _byte = 0xFF;
                    _bitsLeft = 8;
                }
                else
                {
                    _byte = current;
                    _position++;
                    _bitsLeft = 7;
                }
            }
            else
            {
                _byte = current;
                _position++;
                _bitsLeft = 8;
            }
        }
        _bitsLeft--;
        return (_byte >> _bitsLeft) & 1;
    }
}
