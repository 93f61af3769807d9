using NativeSeg.IO.Nifti;
using NativeSeg.IO.Tests.Nifti;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Tests;

/// <summary>Case_009 CT, mask and preprocessing, loaded once for all processing tests.</summary>
internal static class Case009
{
    private static readonly Lazy<Volume<float>> LazyCt = new(() => NiftiReader.ReadFloat(NiftiTestData.LctscCt("Case_009")));
    private static readonly Lazy<Volume<byte>> LazyMask = new(() => NiftiReader.ReadMask(NiftiTestData.LctscMask("Case_009")));

    public static Volume<float> Ct => LazyCt.Value;

    public static Volume<byte> Mask => LazyMask.Value;

    /// <summary>
    /// The same patient stored the other way along j (and k): the LPS-like layout DICOM gives, with the affine
    /// adjusted so every voxel keeps its patient position.
    /// </summary>
    public static Volume<T> FlipJAndK<T>(Volume<T> volume) where T : unmanaged
    {
        var g = volume.Grid;
        var a = g.Affine;
        var m = new double[3, 4];
        for (int r = 0; r < 3; r++)
        {
            m[r, 0] = a[r, 0];
            m[r, 1] = -a[r, 1];
            m[r, 2] = -a[r, 2];
            m[r, 3] = a[r, 3] + a[r, 1] * (g.SizeY - 1) + a[r, 2] * (g.SizeZ - 1);
        }
        var flipped = new Volume<T>(new Grid(g.SizeX, g.SizeY, g.SizeZ, new Affine(m)));
        for (int z = 0; z < g.SizeZ; z++)
            for (int y = 0; y < g.SizeY; y++)
                volume.Voxels.AsSpan(g.Index(0, y, z), g.SizeX).CopyTo(flipped.Voxels.AsSpan(g.Index(0, g.SizeY - 1 - y, g.SizeZ - 1 - z), g.SizeX));
        return flipped;
    }

    public static double Dice(byte[] a, byte[] b)
    {
        long both = 0, sa = 0, sb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            bool x = a[i] != 0, y = b[i] != 0;
            if (x) sa++;
            if (y) sb++;
            if (x && y) both++;
        }
        return 2.0 * both / (sa + sb);
    }
}
