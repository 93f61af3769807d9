namespace NativeSeg.IO.Processing;

/// <summary>
/// Fills holes in 3D: background voxels that cannot reach the volume's border through 6-connected background
/// become foreground. 6-connectivity for the background is the topological partner of 26-connected
/// foreground, so a diagonal gap in a 26-connected wall does not count as an opening.
/// The search runs only inside the foreground's bounding box grown by one voxel: everything outside it is
/// background joined to the border, and the box's own faces are exactly that outside, so they seed the search.
/// </summary>
public static class HoleFilling3D
{
    /// <summary>Sets every enclosed background voxel to <paramref name="fillValue"/>; returns how many were filled.</summary>
    public static long Fill(Span<byte> mask, int sizeX, int sizeY, int sizeZ, byte fillValue = 1)
    {
        if (mask.Length != (long)sizeX * sizeY * sizeZ)
            throw new ArgumentException($"mask has {mask.Length} voxels, grid {sizeX}×{sizeY}×{sizeZ} needs {(long)sizeX * sizeY * sizeZ}.");
        if (fillValue == 0) throw new ArgumentException("the fill value must be non-zero.");
        int slice = sizeX * sizeY;

        int x0 = int.MaxValue, y0 = int.MaxValue, z0 = int.MaxValue, x1 = -1, y1 = -1, z1 = -1;
        for (int z = 0, p = 0; z < sizeZ; z++)
            for (int y = 0; y < sizeY; y++)
                for (int x = 0; x < sizeX; x++, p++)
                {
                    if (mask[p] == 0) continue;
                    x0 = Math.Min(x0, x); x1 = Math.Max(x1, x);
                    y0 = Math.Min(y0, y); y1 = Math.Max(y1, y);
                    z0 = Math.Min(z0, z); z1 = Math.Max(z1, z);
                }
        if (x1 < 0) return 0;
        x0 = Math.Max(x0 - 1, 0); y0 = Math.Max(y0 - 1, 0); z0 = Math.Max(z0 - 1, 0);
        x1 = Math.Min(x1 + 1, sizeX - 1); y1 = Math.Min(y1 + 1, sizeY - 1); z1 = Math.Min(z1 + 1, sizeZ - 1);

        // Local box coordinates: bx = x − x0 and so on.
        int bx = x1 - x0 + 1, by = y1 - y0 + 1, bz = z1 - z0 + 1, bSlice = bx * by;
        var outside = new bool[bx * by * bz];
        var queue = new int[bx * by * bz];
        int head = 0, tail = 0;

        int VolumeIndex(int local)
        {
            int lz = local / bSlice, rest = local - lz * bSlice, ly = rest / bx, lx = rest - ly * bx;
            return (x0 + lx) + sizeX * (y0 + ly) + slice * (z0 + lz);
        }

        void Seed(ReadOnlySpan<byte> m, int local)
        {
            if (outside[local] || m[VolumeIndex(local)] != 0) return;
            outside[local] = true;
            queue[tail++] = local;
        }

        for (int z = 0; z < bz; z++)
            for (int y = 0; y < by; y++)
                for (int x = 0; x < bx; x++)
                {
                    bool face = x == 0 || y == 0 || z == 0 || x == bx - 1 || y == by - 1 || z == bz - 1;
                    if (!face) { x = bx - 2; continue; } // jump to the row's last voxel, which is on a face
                    Seed(mask, x + bx * y + bSlice * z);
                }

        while (head < tail)
        {
            int p = queue[head++];
            int z = p / bSlice, rest = p - z * bSlice, y = rest / bx, x = rest - y * bx;
            if (x > 0) Seed(mask, p - 1);
            if (x < bx - 1) Seed(mask, p + 1);
            if (y > 0) Seed(mask, p - bx);
            if (y < by - 1) Seed(mask, p + bx);
            if (z > 0) Seed(mask, p - bSlice);
            if (z < bz - 1) Seed(mask, p + bSlice);
        }

        long filled = 0;
        for (int local = 0; local < outside.Length; local++)
        {
            if (outside[local]) continue;
            int v = VolumeIndex(local);
            if (mask[v] != 0) continue;
            mask[v] = fillValue;
            filled++;
        }
        return filled;
    }
}
