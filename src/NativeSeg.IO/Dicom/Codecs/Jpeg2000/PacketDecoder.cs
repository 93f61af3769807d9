using System.Numerics;

namespace NativeSeg.IO.Dicom.Codecs.Jpeg2000;

/// <summary>
/// Tier 2 (T.800 B.9–B.10): reads packets one after another, each the contribution of one precinct to one layer:
/// a header (zero-length bit; per code-block inclusion, zero bit-planes, new coding passes, Lblock increments and
/// codeword segment lengths) and a body (the code-blocks' new bytes, whose places are recorded, not copied). Headers
/// come from the tile body or, with PPM/PPT, from the packed headers. SOP and EPH markers are skipped where present.
/// </summary>
internal sealed class PacketDecoder
{
    private readonly PacketHeaderBitReader _bits = new();
    private readonly List<(CodeBlock Block, int Length)> _pending = [];
    private readonly byte[] _body;
    private readonly int _bodyEnd;
    private readonly byte[] _headers;
    private readonly int _headersEnd;
    private readonly bool _packedHeaders;
    private readonly bool _usesSop, _usesEph;
    private int _bodyPosition, _headerPosition;

    public PacketDecoder(TileParts tile, CodingStyle coding)
    {
        _body = tile.Body.Array;
        _bodyEnd = tile.Body.Length;
        _packedHeaders = tile.PackedHeaders is not null;
        _headers = _packedHeaders ? tile.PackedHeaders!.Array : _body;
        _headersEnd = _packedHeaders ? tile.PackedHeaders!.Length : _bodyEnd;
        _usesSop = coding.UsesSop;
        _usesEph = coding.UsesEph;
    }

    /// <summary>Bytes of packet headers available: every packet needs at least one.</summary>
    public int HeaderBytes => _headersEnd;

    public void Decode(Precinct precinct, int layer, CodeBlockStyle style)
    {
        if (_usesSop && _bodyPosition + 6 <= _bodyEnd && _body[_bodyPosition] == 0xFF && _body[_bodyPosition + 1] == Jpeg2000Markers.Sop)
            _bodyPosition += 6;
        if (!_packedHeaders) _headerPosition = _bodyPosition;
        _bits.Start(_headers, _headerPosition, _headersEnd);
        _pending.Clear();
        if (_bits.ReadBit() == 1)
        {
            foreach (var band in precinct.Bands)
            {
                var blocks = band.Blocks;
                for (int i = 0; i < blocks.Length; i++)
                {
                    var block = blocks[i];
                    bool included = block.Included ? _bits.ReadBit() == 1 : band.Inclusion!.IsBelow(_bits, i, layer + 1);
                    if (!included) continue;
                    if (!block.Included)
                    {
                        block.ZeroBitPlanes = band.ZeroBitPlanes!.ReadValue(_bits, i, 74);
                        block.Included = true;
                    }
                    int passes = _bits.ReadPassCount();
                    while (_bits.ReadBit() == 1)
                        if (++block.LengthBits > 32) throw new Jpeg2000FormatException("a code-block's length indicator Lblock exceeds 32 bits (corrupt packet header)");
                    _pending.Add((block, ReadSegmentLengths(block, passes, style)));
                }
            }
        }
        _bits.AlignToByte();
        _headerPosition = _bits.Position;
        if (_usesEph && _headerPosition + 2 <= _headersEnd && _headers[_headerPosition] == 0xFF && _headers[_headerPosition + 1] == Jpeg2000Markers.Eph)
            _headerPosition += 2;
        if (!_packedHeaders) _bodyPosition = _headerPosition;
        foreach (var (block, length) in _pending)
        {
            if (length > _bodyEnd - _bodyPosition) throw new Jpeg2000FormatException("a packet's code-block data runs past the end of the tile (truncated stream)");
            block.AddChunk(_bodyPosition, length);
            _bodyPosition += length;
        }
    }

    /// <summary>Shares the new passes out to codeword segments (T.800 B.10.7.1) and reads each segment's new length.</summary>
    private int ReadSegmentLengths(CodeBlock block, int passes, CodeBlockStyle style)
    {
        block.Passes += passes;
        if (block.Passes > 3 * 38) throw new Jpeg2000FormatException("a code-block has more coding passes than any bit depth allows");
        int total = 0;
        while (passes > 0)
        {
            int s = block.SegmentCount - 1;
            if (s < 0 || block.SegmentPasses[s] == block.SegmentMaxPasses[s])
            {
                block.AddSegment(MaxPasses(style, s < 0 ? 0 : block.SegmentMaxPasses[s]));
                s++;
            }
            int take = Math.Min(block.SegmentMaxPasses[s] - block.SegmentPasses[s], passes);
            int bits = block.LengthBits + BitOperations.Log2((uint)take);
            if (bits > 31) throw new Jpeg2000FormatException("a codeword segment length has more than 31 bits (corrupt packet header)");
            int length = _bits.ReadBits(bits);
            if (length > _bodyEnd) throw new Jpeg2000FormatException("a codeword segment is longer than the tile (corrupt packet header)");
            block.SegmentPasses[s] += take;
            block.SegmentLengths[s] += length;
            total += length;
            if (total > _bodyEnd) throw new Jpeg2000FormatException("a code-block's data is longer than the tile (corrupt packet header)");
            passes -= take;
        }
        return total;
    }

    /// <summary>
    /// How many passes one codeword segment holds: one with termination on every pass; with bypass 10 (the MQ-coded
    /// first four bit-planes), then alternately 2 raw passes and 1 MQ-coded cleanup pass; otherwise all of them.
    /// </summary>
    private static int MaxPasses(CodeBlockStyle style, int previousMax)
    {
        if ((style & CodeBlockStyle.TerminateAll) != 0) return 1;
        if ((style & CodeBlockStyle.Bypass) != 0)
            return previousMax == 0 ? 10 : previousMax is 1 or 10 ? 2 : 1;
        return int.MaxValue;
    }
}
