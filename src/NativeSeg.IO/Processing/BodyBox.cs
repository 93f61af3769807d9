namespace NativeSeg.IO.Processing;

/// <summary>
/// Finds the body on one axial slice as lungmask does: pixels above −500 HU, the largest 8-connected
/// component (the table and clothing are separate, smaller components), and its bounding box. Slices whose
/// largest component has fewer than <see cref="MinimumBodyPixels"/> pixels count as having no body, and the
/// caller falls back to the whole slice.
/// </summary>
public sealed class BodyBox
{
    public const float DefaultThresholdHu = -500;
    public const int MinimumBodyPixels = 64;

    private readonly float _thresholdHu;
    private readonly int _columns;
    private readonly int _rows;
    private readonly bool[] _visited;
    private readonly int[] _queue;

    /// <summary>Scratch buffers for one slice size; reuse one instance per thread. Body = pixels above thresholdHu.</summary>
    public BodyBox(int columns, int rows, float thresholdHu = DefaultThresholdHu)
    {
        _thresholdHu = thresholdHu;
        _columns = columns;
        _rows = rows;
        _visited = new bool[columns * rows];
        _queue = new int[columns * rows];
    }

    public CropBox Find(ReadOnlySpan<float> hu) => Find(hu, []);

    /// <summary>
    /// As <see cref="Find(ReadOnlySpan{float})"/>, and when <paramref name="bodyPixels"/> is not empty (one byte per
    /// pixel) it receives 1 on the pixels of the body component and 0 elsewhere (all 0 when there is no body).
    /// </summary>
    public CropBox Find(ReadOnlySpan<float> hu, Span<byte> bodyPixels)
    {
        if (hu.Length != _columns * _rows)
            throw new ArgumentException($"slice has {hu.Length} pixels, expected {_columns}×{_rows}.");
        Array.Clear(_visited);
        int bestSize = 0, bestSeed = -1;
        CropBox best = CropBox.Whole(_columns, _rows);
        for (int seed = 0; seed < hu.Length; seed++)
        {
            if (_visited[seed] || !(hu[seed] > _thresholdHu)) continue;
            var (size, box) = Flood(hu, seed);
            if (size > bestSize)
            {
                bestSize = size;
                bestSeed = seed;
                best = box;
            }
        }
        bool hasBody = bestSize >= MinimumBodyPixels;
        if (!bodyPixels.IsEmpty)
        {
            bodyPixels.Clear();
            if (hasBody)
            {
                // The flood left the body's pixels at the start of the queue only for the last component; fill again.
                Array.Clear(_visited);
                Flood(hu, bestSeed);
                for (int i = 0; i < bestSize; i++) bodyPixels[_queue[i]] = 1;
            }
        }
        return hasBody ? best : CropBox.Whole(_columns, _rows);
    }

    /// <summary>Breadth-first fill with an explicit queue (no recursion), tracking size and bounds.</summary>
    private (int Size, CropBox Box) Flood(ReadOnlySpan<float> hu, int seed)
    {
        int head = 0, tail = 0;
        _queue[tail++] = seed;
        _visited[seed] = true;
        int left = int.MaxValue, right = -1, top = int.MaxValue, bottom = -1;
        while (head < tail)
        {
            int p = _queue[head++];
            int c = p % _columns, r = p / _columns;
            if (c < left) left = c;
            if (c > right) right = c;
            if (r < top) top = r;
            if (r > bottom) bottom = r;
            for (int dr = -1; dr <= 1; dr++)
            {
                int rr = r + dr;
                if ((uint)rr >= (uint)_rows) continue;
                for (int dc = -1; dc <= 1; dc++)
                {
                    int cc = c + dc;
                    if ((uint)cc >= (uint)_columns) continue;
                    int q = cc + rr * _columns;
                    if (_visited[q] || !(hu[q] > _thresholdHu)) continue;
                    _visited[q] = true;
                    _queue[tail++] = q;
                }
            }
        }
        return (tail, new CropBox(left, top, right - left + 1, bottom - top + 1, HasBody: true));
    }
}
