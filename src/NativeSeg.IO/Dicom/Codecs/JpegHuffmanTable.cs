namespace NativeSeg.IO.Dicom.Codecs;

/// <summary>
/// A JPEG Huffman table (ITU T.81 annex C) as a 16-bit lookup: the next 16 bits of the stream index an entry that
/// holds the decoded symbol and the code's length. Codes are canonical: assigned in order of length, each length's
/// codes counting up from the previous length's last code plus one, shifted left one bit.
/// </summary>
internal sealed class JpegHuffmanTable
{
    private readonly ushort[] _entries = new ushort[1 << 16]; // symbol << 5 | length; length 0 = no such code

    /// <summary>Builds the table from the DHT segment's 16 code counts (lengths 1..16) and its symbols.</summary>
    public JpegHuffmanTable(ReadOnlySpan<byte> countsByLength, ReadOnlySpan<byte> symbols, string path)
    {
        int code = 0, next = 0;
        for (int length = 1; length <= 16; length++)
        {
            for (int i = 0; i < countsByLength[length - 1]; i++)
            {
                if (code >= 1 << length)
                    throw new InvalidInputException(path, "corrupt JPEG data: a Huffman table has more codes than its code lengths allow");
                int first = code << (16 - length), count = 1 << (16 - length);
                _entries.AsSpan(first, count).Fill((ushort)(symbols[next++] << 5 | length));
                code++;
            }
            code <<= 1;
        }
    }

    /// <summary>Decodes the symbol whose code starts the 16 bits in <paramref name="peek16"/>; returns its length in bits (0: invalid code).</summary>
    public int Decode(int peek16, out int symbol)
    {
        ushort entry = _entries[peek16];
        symbol = entry >> 5;
        return entry & 31;
    }
}
