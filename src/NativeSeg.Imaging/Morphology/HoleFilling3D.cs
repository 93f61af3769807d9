namespace NativeSeg.Imaging.Morphology;

/// <summary>
/// Fills holes in 3D: background voxels that cannot reach the volume's border through 6-connected background
/// become foreground. 6-connectivity for the background is the topological partner of 26-connected
/// foreground, so a diagonal gap in a 26-connected wall does not count as an opening.
/// The search runs only inside the foreground's bounding box grown by one voxel: everything outside it is
/// background joined to the border, and the box's own faces are exactly that outside. Inside the box the background
/// is handled as runs along x (<see cref="RowRuns"/>): runs joined 6-connected, a set that holds a run on a face of
/// the box is open, and every run of a closed set is filled.
/// </summary>
public static class HoleFilling3D
{
    /// <summary>Sets every enclosed background voxel to <paramref name="fillValue"/>; returns how many were filled.</summary>
    public static long Fill(Span<byte> mask, int sizeX, int sizeY, int sizeZ, byte fillValue = 1)
    {
        if (mask.Length != (long)sizeX * sizeY * sizeZ)
            throw new ArgumentException($"mask has {mask.Length} voxels, grid {sizeX}×{sizeY}×{sizeZ} needs {(long)sizeX * sizeY * sizeZ}.");
        if (fillValue == 0) throw new ArgumentException("the fill value must be non-zero.");
        if (VoxelBox.Around(mask, sizeX, sizeY, sizeZ) is not { } foreground) return 0;
        var (x0, y0, z0, x1, y1, z1) = foreground.Grow(1).ClipTo(sizeX, sizeY, sizeZ);
        int bx = x1 - x0 + 1, by = y1 - y0 + 1, bz = z1 - z0 + 1;

        var local = new byte[bx * by * bz];
        for (int z = 0; z < bz; z++)
            for (int y = 0; y < by; y++)
                mask.Slice(x0 + sizeX * (y0 + y + sizeY * (z0 + z)), bx).CopyTo(local.AsSpan((z * by + y) * bx, bx));

        var runs = RowRuns.Find(local, bx, by, bz, foreground: false);
        runs.JoinNeighbours(facesOnly: true);
        var open = new bool[runs.Count];
        for (int row = 0; row < by * bz; row++)
        {
            int y = row % by, z = row / by;
            bool faceRow = y == 0 || z == 0 || y == by - 1 || z == bz - 1;
            for (int r = runs.RowFirst[row]; r < runs.RowFirst[row + 1]; r++)
                if (faceRow || runs.Start[r] == 0 || runs.End[r] == bx) open[runs.Root(r)] = true;
        }

        long filled = 0;
        for (int row = 0; row < by * bz; row++)
        {
            int y = row % by, z = row / by;
            for (int r = runs.RowFirst[row]; r < runs.RowFirst[row + 1]; r++)
            {
                if (open[runs.Root(r)]) continue;
                int length = runs.End[r] - runs.Start[r];
                mask.Slice(x0 + runs.Start[r] + sizeX * (y0 + y + sizeY * (z0 + z)), length).Fill(fillValue);
                filled += length;
            }
        }
        return filled;
    }
}
