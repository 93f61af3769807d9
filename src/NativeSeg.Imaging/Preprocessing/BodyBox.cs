using NativeSeg.Imaging.Morphology;

namespace NativeSeg.Imaging.Preprocessing;

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
    private readonly byte[] _above;

    /// <summary>Scratch buffers for one slice size; reuse one instance per thread. Body = pixels above thresholdHu.</summary>
    public BodyBox(int columns, int rows, float thresholdHu = DefaultThresholdHu)
    {
        _thresholdHu = thresholdHu;
        _columns = columns;
        _rows = rows;
        _above = new byte[columns * rows];
    }

    public CropBox Find(ReadOnlySpan<float> hu) => Find(hu, []);

    /// <summary>
    /// As <see cref="Find(ReadOnlySpan{float})"/>, and when <paramref name="bodyPixels"/> is not empty (one byte per
    /// pixel) it receives 1 on the pixels of the body component and 0 elsewhere (all 0 when there is no body).
    /// The components are found as runs along each row joined 8-connected (<see cref="RowRuns"/>); among components
    /// of equal size the one met first in raster order wins.
    /// </summary>
    public CropBox Find(ReadOnlySpan<float> hu, Span<byte> bodyPixels)
    {
        if (hu.Length != _columns * _rows)
            throw new ArgumentException($"slice has {hu.Length} pixels, expected {_columns}×{_rows}.");
        var above = _above;
        float threshold = _thresholdHu;
        // NaN compares false, so it is never body (as before).
        for (int i = 0; i < above.Length; i++) above[i] = hu[i] > threshold ? (byte)1 : (byte)0;
        var runs = RowRuns.Find(above, _columns, _rows, 1, foreground: true);
        runs.JoinNeighbours(facesOnly: false);

        var size = new int[runs.Count];
        for (int r = 0; r < runs.Count; r++) size[runs.Root(r)] += runs.End[r] - runs.Start[r];
        int bestRoot = -1, bestSize = 0;
        for (int r = 0; r < runs.Count; r++)
            if (runs.Root(r) == r && size[r] > bestSize) { bestSize = size[r]; bestRoot = r; }
        bool hasBody = bestSize >= MinimumBodyPixels;
        if (!bodyPixels.IsEmpty) bodyPixels.Clear();
        if (!hasBody) return CropBox.Whole(_columns, _rows);

        int left = int.MaxValue, right = -1, top = int.MaxValue, bottom = -1;
        for (int row = 0; row < _rows; row++)
            for (int r = runs.RowFirst[row]; r < runs.RowFirst[row + 1]; r++)
            {
                if (runs.Root(r) != bestRoot) continue;
                left = Math.Min(left, runs.Start[r]);
                right = Math.Max(right, runs.End[r] - 1);
                top = Math.Min(top, row);
                bottom = row;
                if (!bodyPixels.IsEmpty) bodyPixels.Slice(row * _columns + runs.Start[r], runs.End[r] - runs.Start[r]).Fill(1);
            }
        return new CropBox(left, top, right - left + 1, bottom - top + 1, HasBody: true);
    }
}
