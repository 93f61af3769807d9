using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Morphology;

/// <summary>An axis-aligned box of voxel indices, inclusive on both ends.</summary>
public readonly record struct VoxelBox(int X0, int Y0, int Z0, int X1, int Y1, int Z1)
{
    public int SizeX => X1 - X0 + 1;
    public int SizeY => Y1 - Y0 + 1;
    public int SizeZ => Z1 - Z0 + 1;
    public int VoxelCount => SizeX * SizeY * SizeZ;

    /// <summary>Index inside the box of box-local (x, y, z).</summary>
    public int Local(int x, int y, int z) => x + SizeX * (y + SizeY * z);

    /// <summary>The tightest box around non-zero voxels, or null when there are none.</summary>
    public static VoxelBox? Around(Volume<byte> mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        return Around(mask.Voxels, mask.Grid.SizeX, mask.Grid.SizeY, mask.Grid.SizeZ);
    }

    /// <summary>The tightest box around the non-zero voxels of an x-fastest volume, or null when there are none. Each
    /// row is searched from both ends with the vectorised IndexOfAnyExcept / LastIndexOfAnyExcept, so an empty row
    /// costs a few 64-byte compares.</summary>
    public static VoxelBox? Around(ReadOnlySpan<byte> volume, int sizeX, int sizeY, int sizeZ)
    {
        if (volume.Length != (long)sizeX * sizeY * sizeZ)
            throw new ArgumentException($"volume has {volume.Length} voxels, grid {sizeX}×{sizeY}×{sizeZ} needs {(long)sizeX * sizeY * sizeZ}.");
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
        return x1 < 0 ? null : new VoxelBox(x0, y0, z0, x1, y1, z1);
    }

    /// <summary>The box grown by <paramref name="margin"/> voxels on every side (not clipped to any grid).</summary>
    public VoxelBox Grow(int margin) => new(X0 - margin, Y0 - margin, Z0 - margin, X1 + margin, Y1 + margin, Z1 + margin);

    /// <summary>The part of the box inside a sizeX × sizeY × sizeZ volume.</summary>
    public VoxelBox ClipTo(int sizeX, int sizeY, int sizeZ) =>
        new(Math.Max(X0, 0), Math.Max(Y0, 0), Math.Max(Z0, 0), Math.Min(X1, sizeX - 1), Math.Min(Y1, sizeY - 1), Math.Min(Z1, sizeZ - 1));
}
