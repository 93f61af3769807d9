using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Tests.Geometry;

/// <summary>
/// The same voxels stored in another index order, written independently of the code under test: new index axis a
/// reads old axis Permutation[a], from the last index down when Flips[a]; the affine moves with the voxels so every
/// voxel keeps its patient position. Also slabs (crops) of real volumes. Linked into the model and CLI tests.
/// </summary>
internal static class AxisVariants
{
    /// <summary>The 6 permutations × 8 flip patterns of three axes.</summary>
    public static IEnumerable<(int[] Permutation, bool[] Flips)> All()
    {
        int[][] permutations = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
        foreach (var p in permutations)
            for (int f = 0; f < 8; f++)
                yield return (p, [(f & 1) != 0, (f & 2) != 0, (f & 4) != 0]);
    }

    public static string Name(int[] permutation, bool[] flips) =>
        string.Concat(Enumerable.Range(0, 3).Select(a => $"{(flips[a] ? "-" : "+")}{"ijk"[permutation[a]]}"));

    public static Volume<T> Make<T>(Volume<T> volume, int[] permutation, bool[] flips) where T : unmanaged
    {
        var g = volume.Grid;
        int[] oldSizes = [g.SizeX, g.SizeY, g.SizeZ];
        int[] sizes = [oldSizes[permutation[0]], oldSizes[permutation[1]], oldSizes[permutation[2]]];
        int[] OldIndex(int n0, int n1, int n2)
        {
            int[] n = [n0, n1, n2];
            var old = new int[3];
            for (int a = 0; a < 3; a++) old[permutation[a]] = flips[a] ? sizes[a] - 1 - n[a] : n[a];
            return old;
        }
        var o = OldIndex(0, 0, 0);
        var (ox, oy, oz) = g.Affine.Apply(o[0], o[1], o[2]);
        var m = new double[3, 4];
        for (int r = 0; r < 3; r++)
        {
            for (int a = 0; a < 3; a++) m[r, a] = (flips[a] ? -1 : 1) * g.Affine[r, permutation[a]];
            m[r, 3] = r == 0 ? ox : r == 1 ? oy : oz;
        }
        var result = new Volume<T>(new Grid(sizes[0], sizes[1], sizes[2], new Affine(m)));
        for (int z = 0; z < sizes[2]; z++)
            for (int y = 0; y < sizes[1]; y++)
                for (int x = 0; x < sizes[0]; x++)
                {
                    var old = OldIndex(x, y, z);
                    result[x, y, z] = volume[old[0], old[1], old[2]];
                }
        return result;
    }

    /// <summary>Voxels [x0, x0 + nx) × [y0, y0 + ny) × [z0, z0 + nz) as a volume of their own, the origin moved to the first.</summary>
    public static Volume<T> Crop<T>(Volume<T> volume, int x0, int y0, int z0, int nx, int ny, int nz) where T : unmanaged
    {
        var g = volume.Grid;
        var (ox, oy, oz) = g.Affine.Apply(x0, y0, z0);
        var m = new double[3, 4];
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++)
                m[r, c] = g.Affine[r, c];
        (m[0, 3], m[1, 3], m[2, 3]) = (ox, oy, oz);
        var result = new Volume<T>(new Grid(nx, ny, nz, new Affine(m)));
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
                volume.Voxels.AsSpan(g.Index(x0, y0 + y, z0 + z), nx).CopyTo(result.Voxels.AsSpan(result.Grid.Index(0, y, z), nx));
        return result;
    }
}
