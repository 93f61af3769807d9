namespace NativeSeg.Imaging.Morphology;

/// <summary>
/// Fills, in every axial slice and for each lung label separately, the regions that the lung encloses in that slice:
/// background pixels that cannot reach the lung's bounding box border through 4-connected non-lung pixels. A dense
/// lesion (consolidation, a nodule, a vessel the network left out) that one lung surrounds in a slice is lung even
/// when it opens into the chest wall or the hilum in the slices above or below, which a 3D filling cannot see.
/// Per lung, never for both together: the two lungs can meet in front of and behind the mediastinum, and their union
/// then encloses the heart. Only background (0) is filled, with the lung's own label.
/// </summary>
public static class SliceHoleFilling
{
    /// <summary>Fills the in-slice holes of each of <paramref name="labels"/>; returns the number of filled voxels.</summary>
    public static long Fill(Span<byte> labelled, int sizeX, int sizeY, int sizeZ, ReadOnlySpan<byte> labels)
    {
        if (labelled.Length != (long)sizeX * sizeY * sizeZ)
            throw new ArgumentException($"mask has {labelled.Length} voxels, grid {sizeX}×{sizeY}×{sizeZ} needs {(long)sizeX * sizeY * sizeZ}.");
        long filled = 0;
        int plane = sizeX * sizeY;
        var scratch = new byte[plane];
        for (int z = 0; z < sizeZ; z++)
        {
            var slice = labelled.Slice(z * plane, plane);
            foreach (byte label in labels)
                filled += FillLabel(slice, sizeX, sizeY, label, scratch);
        }
        return filled;
    }

    private static long FillLabel(Span<byte> slice, int sizeX, int sizeY, byte label, byte[] scratch)
    {
        // Binary image of this lung, cut to its bounding box grown by one pixel (so the box border is outside).
        int x0 = int.MaxValue, y0 = int.MaxValue, x1 = -1, y1 = -1;
        for (int y = 0; y < sizeY; y++)
        {
            var row = slice.Slice(y * sizeX, sizeX);
            int first = row.IndexOf(label);
            if (first < 0) continue;
            x0 = Math.Min(x0, first); x1 = Math.Max(x1, row.LastIndexOf(label));
            y0 = Math.Min(y0, y); y1 = y;
        }
        if (x1 < 0 || x1 - x0 < 2 || y1 - y0 < 2) return 0; // nothing can be enclosed
        x0 = Math.Max(x0 - 1, 0); y0 = Math.Max(y0 - 1, 0);
        x1 = Math.Min(x1 + 1, sizeX - 1); y1 = Math.Min(y1 + 1, sizeY - 1);
        int bx = x1 - x0 + 1, by = y1 - y0 + 1;
        var local = scratch.AsSpan(0, bx * by);
        for (int y = 0; y < by; y++)
        {
            var source = slice.Slice((y0 + y) * sizeX + x0, bx);
            var target = local.Slice(y * bx, bx);
            for (int x = 0; x < bx; x++) target[x] = source[x] == label ? (byte)1 : (byte)0;
        }

        // Background runs joined 4-connected (one slice: only the row above is a neighbour); a set with a run on the
        // box border is open.
        var runs = RowRuns.Find(local, bx, by, 1, foreground: false);
        runs.JoinNeighbours(facesOnly: true);
        var open = new bool[runs.Count];
        for (int y = 0; y < by; y++)
            for (int r = runs.RowFirst[y]; r < runs.RowFirst[y + 1]; r++)
                if (y == 0 || y == by - 1 || runs.Start[r] == 0 || runs.End[r] == bx) open[runs.Root(r)] = true;

        long filled = 0;
        for (int y = 0; y < by; y++)
            for (int r = runs.RowFirst[y]; r < runs.RowFirst[y + 1]; r++)
            {
                if (open[runs.Root(r)]) continue;
                var row = slice.Slice((y0 + y) * sizeX + x0, bx);
                for (int x = runs.Start[r]; x < runs.End[r]; x++)
                    if (row[x] == 0) { row[x] = label; filled++; }
            }
        return filled;
    }
}
