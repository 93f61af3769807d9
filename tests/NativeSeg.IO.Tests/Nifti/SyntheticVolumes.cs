using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Tests.Nifti;

/// <summary>
/// The small volumes whose NativeSeg-written files are committed as fixtures and checked with nibabel
/// (check_with_nibabel.py computes the same formulas independently).
/// </summary>
internal static class SyntheticVolumes
{
    public const int SizeX = 6, SizeY = 5, SizeZ = 4;
    public const double CtInter = -1024;

    /// <summary>Rotation of 10° about z, x flipped (LAS-like), spacing 0.8 × 0.9 × 2.5 mm, origin (12.5, −30.25, 100).</summary>
    public static Grid Grid()
    {
        double t = 10 * Math.PI / 180, c = Math.Cos(t), s = Math.Sin(t);
        var affine = new Affine(new double[,]
        {
            { -0.8 * c, 0.9 * -s, 0, 12.5 },
            { -0.8 * s, 0.9 * c, 0, -30.25 },
            { 0, 0, 2.5, 100 },
        });
        return new Grid(SizeX, SizeY, SizeZ, affine);
    }

    public static Volume<byte> Mask() => Fill<byte>((x, y, z) => (byte)((x + y + z) % 3));

    public static Volume<float> Probabilities() => Fill((x, y, z) => (float)(x * 0.1 + y * 0.01 + z * 0.001));

    public static Volume<short> StoredCt() => Fill((x, y, z) => (short)(-1000 + 7 * x + 11 * y + 13 * z));

    private static Volume<T> Fill<T>(Func<int, int, int, T> value) where T : unmanaged
    {
        var volume = new Volume<T>(Grid());
        for (int z = 0; z < SizeZ; z++)
            for (int y = 0; y < SizeY; y++)
                for (int x = 0; x < SizeX; x++)
                    volume[x, y, z] = value(x, y, z);
        return volume;
    }
}
