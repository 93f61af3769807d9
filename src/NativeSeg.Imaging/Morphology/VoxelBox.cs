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
        var g = mask.Grid;
        int x0 = int.MaxValue, y0 = int.MaxValue, z0 = int.MaxValue, x1 = -1, y1 = -1, z1 = -1;
        var v = mask.Voxels;
        for (int z = 0; z < g.SizeZ; z++)
            for (int y = 0; y < g.SizeY; y++)
            {
                int row = g.Index(0, y, z);
                for (int x = 0; x < g.SizeX; x++)
                {
                    if (v[row + x] == 0) continue;
                    if (x < x0) x0 = x; if (x > x1) x1 = x;
                    if (y < y0) y0 = y; if (y > y1) y1 = y;
                    if (z < z0) z0 = z; if (z > z1) z1 = z;
                }
            }
        return x1 < 0 ? null : new VoxelBox(x0, y0, z0, x1, y1, z1);
    }

    /// <summary>The box grown by <paramref name="margin"/> voxels on every side (not clipped to any grid).</summary>
    public VoxelBox Grow(int margin) => new(X0 - margin, Y0 - margin, Z0 - margin, X1 + margin, Y1 + margin, Z1 + margin);
}
