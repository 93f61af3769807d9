using NativeSeg.IO.Volumes;

namespace NativeSeg.Evaluation.Roc;

/// <summary>An axis-aligned rectangle of one axial slice, inclusive bounds; <see cref="Empty"/> when the slice has no body.</summary>
public readonly record struct SliceBox(int MinX, int MinY, int MaxX, int MaxY)
{
    public static SliceBox Empty => new(0, 0, -1, -1);
    public bool IsEmpty => MaxX < MinX;
    public long Area => IsEmpty ? 0 : (long)(MaxX - MinX + 1) * (MaxY - MinY + 1);
}

/// <summary>
/// The region a lung-segmentation tool crops to before inference (lungmask's approach, see reference-model.md):
/// per axial slice, voxels above a HU threshold (−500 by default), the largest 8-connected component (the body, which
/// leaves out the table and loose air-filled objects), and its bounding box. The voxels that enter the ROC are those
/// inside these boxes.
/// </summary>
public static class BodyBoundingBox
{
    public const float DefaultThresholdHu = -500f;

    public static SliceBox[] PerSlice(Volume<float> ct, float thresholdHu = DefaultThresholdHu)
    {
        ArgumentNullException.ThrowIfNull(ct);
        var boxes = new SliceBox[ct.Grid.SizeZ];
        int slices = ct.Grid.SizeZ, blocks = Math.Min(Environment.ProcessorCount, slices);
        Parallel.For(0, blocks, block =>
        {
            var workspace = new SliceWorkspace((ct.Grid.SizeX + 1) / 2 * ct.Grid.SizeY);
            for (int z = block * slices / blocks; z < (block + 1) * slices / blocks; z++)
                boxes[z] = LargestComponentBox(ct.Slice(z), ct.Grid.SizeX, ct.Grid.SizeY, thresholdHu, workspace);
        });
        return boxes;
    }

    /// <summary>Reused per thread: the runs of the slice and the union–find forest over them.</summary>
    private sealed class SliceWorkspace(int maxRuns)
    {
        public readonly int[] RunStart = new int[maxRuns];
        public readonly int[] RunEnd = new int[maxRuns];   // inclusive
        public readonly int[] RunRow = new int[maxRuns];
        public readonly int[] Parent = new int[maxRuns];
        public readonly long[] Size = new long[maxRuns];
        public readonly int[] MinX = new int[maxRuns], MaxX = new int[maxRuns];
        public readonly int[] MinY = new int[maxRuns], MaxY = new int[maxRuns];
    }

    /// <summary>
    /// Connected components by runs: each row is cut into runs of voxels above the threshold, and a run is joined
    /// (union–find) with every run of the row above that touches it diagonally or directly, i.e. overlaps
    /// [start − 1, end + 1]. Only the threshold test touches every voxel; the rest works on a few runs per row.
    /// </summary>
    private static SliceBox LargestComponentBox(ReadOnlySpan<float> slice, int sizeX, int sizeY, float threshold, SliceWorkspace w)
    {
        int runs = 0, previousFirst = 0, previousEnd = 0;
        for (int y = 0; y < sizeY; y++)
        {
            ReadOnlySpan<float> row = slice.Slice(y * sizeX, sizeX);
            int first = runs;
            for (int x = 0; x < sizeX;)
            {
                while (x < sizeX && !(row[x] > threshold)) x++;
                if (x == sizeX) break;
                int start = x;
                while (x < sizeX && row[x] > threshold) x++;
                int r = runs++;
                w.RunStart[r] = start; w.RunEnd[r] = x - 1; w.RunRow[r] = y;
                w.Parent[r] = r;
                w.Size[r] = x - start;
                w.MinX[r] = start; w.MaxX[r] = x - 1; w.MinY[r] = y; w.MaxY[r] = y;
                // Runs of the previous row are sorted by start: walk them while they can still touch this one.
                for (int q = previousFirst; q < previousEnd; q++)
                {
                    if (w.RunStart[q] > x) break;              // starts beyond end + 1
                    if (w.RunEnd[q] < start - 1) continue;     // ends before start − 1
                    Union(w, r, q);
                }
            }
            previousFirst = first;
            previousEnd = runs;
        }
        SliceBox best = SliceBox.Empty;
        long bestSize = 0;
        for (int r = 0; r < runs; r++)
        {
            if (w.Parent[r] != r || w.Size[r] <= bestSize)
                continue;
            bestSize = w.Size[r];
            best = new SliceBox(w.MinX[r], w.MinY[r], w.MaxX[r], w.MaxY[r]);
        }
        return best;
    }

    private static int Find(SliceWorkspace w, int r)
    {
        while (w.Parent[r] != r)
        {
            w.Parent[r] = w.Parent[w.Parent[r]]; // path halving
            r = w.Parent[r];
        }
        return r;
    }

    /// <summary>Joins two runs' components; the root keeps the total size and the combined bounding box.</summary>
    private static void Union(SliceWorkspace w, int a, int b)
    {
        a = Find(w, a);
        b = Find(w, b);
        if (a == b) return;
        if (w.Size[a] < w.Size[b]) (a, b) = (b, a);
        w.Parent[b] = a;
        w.Size[a] += w.Size[b];
        w.MinX[a] = Math.Min(w.MinX[a], w.MinX[b]); w.MaxX[a] = Math.Max(w.MaxX[a], w.MaxX[b]);
        w.MinY[a] = Math.Min(w.MinY[a], w.MinY[b]); w.MaxY[a] = Math.Max(w.MaxY[a], w.MaxY[b]);
    }
}
