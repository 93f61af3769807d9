namespace NativeSeg.IO.Dicom;

/// <summary>
/// Encapsulated pixel data (PS3.5 A.4): a Basic Offset Table item followed by fragment items. Frames are found
/// through the offset table when it is filled, or one fragment per frame, or (single frame) all fragments joined.
/// </summary>
public sealed class EncapsulatedPixelData
{
    private readonly ReadOnlyMemory<byte>[] _fragments;
    private readonly long[] _fragmentItemOffsets; // offset of each fragment's item tag from the first fragment's item tag

    internal EncapsulatedPixelData(ReadOnlyMemory<byte> offsetTable, IReadOnlyList<ReadOnlyMemory<byte>> fragments)
    {
        OffsetTable = offsetTable;
        _fragments = [.. fragments];
        _fragmentItemOffsets = new long[_fragments.Length];
        long offset = 0;
        for (int i = 0; i < _fragments.Length; i++)
        {
            _fragmentItemOffsets[i] = offset;
            offset += 8 + _fragments[i].Length;
        }
    }

    /// <summary>The Basic Offset Table's raw bytes (often empty).</summary>
    public ReadOnlyMemory<byte> OffsetTable { get; }

    public int FragmentCount => _fragments.Length;

    public ReadOnlyMemory<byte> Fragment(int index) => _fragments[index];

    /// <summary>The compressed bytes of one frame (fragments joined when a frame spans several).</summary>
    internal ReadOnlyMemory<byte> Frame(int frame, int frameCount, string path)
    {
        if (_fragments.Length == 0)
            throw new InvalidInputException(path, "encapsulated pixel data has no fragments");
        int first, last; // fragment range [first, last)
        if (frameCount == 1)
        {
            first = 0;
            last = _fragments.Length;
        }
        else if (OffsetTable.Length >= 4 * frameCount)
        {
            long start = ReadOffset(frame), end = frame + 1 < frameCount ? ReadOffset(frame + 1) : long.MaxValue;
            first = Array.IndexOf(_fragmentItemOffsets, start);
            if (first < 0 || end <= start)
                throw new InvalidInputException(path, $"the basic offset table entry {start} for frame {frame} does not point at a fragment");
            last = first + 1;
            while (last < _fragments.Length && _fragmentItemOffsets[last] < end) last++;
        }
        else if (_fragments.Length == frameCount)
        {
            first = frame;
            last = frame + 1;
        }
        else
        {
            throw new InvalidInputException(path, $"cannot split {_fragments.Length} fragments into {frameCount} frames without a basic offset table");
        }

        if (last - first == 1) return _fragments[first];
        long total = 0;
        for (int i = first; i < last; i++) total += _fragments[i].Length;
        var joined = new byte[total]; // bounded by the file's size: the fragments are views into it
        int at = 0;
        for (int i = first; i < last; i++)
        {
            _fragments[i].Span.CopyTo(joined.AsSpan(at));
            at += _fragments[i].Length;
        }
        return joined;
    }

    private long ReadOffset(int frame) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(OffsetTable.Span.Slice(4 * frame, 4));
}
