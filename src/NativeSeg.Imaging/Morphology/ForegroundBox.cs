namespace NativeSeg.Imaging.Morphology;

/// <summary>The bounding box (inclusive voxel indices) of the non-zero voxels of a volume.</summary>
internal readonly record struct ForegroundBox(int X0, int Y0, int Z0, int X1, int Y1, int Z1)
{
    /// <summary>The box, or null when every voxel is zero. Each row is searched from both ends with the vectorised
    /// IndexOfAnyExcept / LastIndexOfAnyExcept, so an empty row costs a few 64-byte compares.</summary>
    public static ForegroundBox? Of(ReadOnlySpan<byte> volume, int sizeX, int sizeY, int sizeZ)
    {
        int x0 = int.MaxValue, y0 = int.MaxValue, z0 = int.MaxValue, x1 = -1, y1 = -1, z1 = -1;
        for (int z = 0; z < sizeZ; z++)
            for (int y = 0; y < sizeY; y++)
            {
                var row = volume.Slice((z * sizeY + y) * sizeX, sizeX);
                int first = row.IndexOfAnyExcept((byte)0);
                if (first < 0) continue;
                int last = row.LastIndexOfAnyExcept((byte)0);
                x0 = Math.Min(x0, first); x1 = Math.Max(x1, last);
                y0 = Math.Min(y0, y); y1 = Math.Max(y1, y);
                z0 = Math.Min(z0, z); z1 = Math.Max(z1, z);
            }
        return x1 < 0 ? null : new ForegroundBox(x0, y0, z0, x1, y1, z1);
    }

    /// <summary>The box grown by <paramref name="margin"/> voxels on every side, clipped to the volume.</summary>
    public (int X0, int Y0, int Z0, int X1, int Y1, int Z1) Grown(int margin, int sizeX, int sizeY, int sizeZ) =>
        (Math.Max(X0 - margin, 0), Math.Max(Y0 - margin, 0), Math.Max(Z0 - margin, 0),
         Math.Min(X1 + margin, sizeX - 1), Math.Min(Y1 + margin, sizeY - 1), Math.Min(Z1 + margin, sizeZ - 1));
}
