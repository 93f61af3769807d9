namespace NativeSeg.IO.Processing;

/// <summary>
/// Labels the 26-connected (or, on request, 6-connected: faces only) components of the non-zero voxels of a volume
/// by breadth-first search with an explicit queue (no recursion, so a 30-million-voxel lung cannot overflow the stack).
/// Labels are 1..Count in order of discovery (x fastest); 0 is background.
/// </summary>
public sealed class ConnectedComponents3D
{
    private ConnectedComponents3D(int[] labels, long[] sizes)
    {
        Labels = labels;
        Sizes = sizes;
    }

    /// <summary>Per voxel, its component (1-based) or 0.</summary>
    public int[] Labels { get; }

    /// <summary>Sizes[l − 1] = voxel count of component l.</summary>
    public long[] Sizes { get; }

    public int Count => Sizes.Length;

    public static ConnectedComponents3D Find(ReadOnlySpan<byte> mask, int sizeX, int sizeY, int sizeZ, bool facesOnly = false)
    {
        if (mask.Length != (long)sizeX * sizeY * sizeZ)
            throw new ArgumentException($"mask has {mask.Length} voxels, grid {sizeX}×{sizeY}×{sizeZ} needs {(long)sizeX * sizeY * sizeZ}.");
        var labels = new int[mask.Length];
        var sizes = new List<long>();
        // The queue never holds more than one component, so the foreground count bounds it.
        int foreground = mask.Length - mask.Count((byte)0);
        var queue = new int[foreground];
        int slice = sizeX * sizeY;
        for (int seed = 0; seed < mask.Length; seed++)
        {
            if (mask[seed] == 0 || labels[seed] != 0) continue;
            int label = sizes.Count + 1;
            int head = 0, tail = 0;
            queue[tail++] = seed;
            labels[seed] = label;
            while (head < tail)
            {
                int p = queue[head++];
                int z = p / slice, rest = p - z * slice, y = rest / sizeX, x = rest - y * sizeX;
                for (int dz = -1; dz <= 1; dz++)
                {
                    int zz = z + dz;
                    if ((uint)zz >= (uint)sizeZ) continue;
                    for (int dy = -1; dy <= 1; dy++)
                    {
                        int yy = y + dy;
                        if ((uint)yy >= (uint)sizeY) continue;
                        int rowBase = zz * slice + yy * sizeX;
                        for (int dx = -1; dx <= 1; dx++)
                        {
                            int xx = x + dx;
                            if ((uint)xx >= (uint)sizeX) continue;
                            // 6-connectivity: exactly one of dx, dy, dz is non-zero.
                            if (facesOnly && Math.Abs(dx) + Math.Abs(dy) + Math.Abs(dz) != 1) continue;
                            int q = rowBase + xx;
                            if (mask[q] == 0 || labels[q] != 0) continue;
                            labels[q] = label;
                            queue[tail++] = q;
                        }
                    }
                }
            }
            sizes.Add(tail);
        }
        return new ConnectedComponents3D(labels, sizes.ToArray());
    }
}
