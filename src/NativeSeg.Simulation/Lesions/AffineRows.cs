using NativeSeg.IO.Volumes;

namespace NativeSeg.Simulation.Lesions;

/// <summary>The 12 numbers of an affine in fields, for voxel → RAS mapping in hot loops.</summary>
internal readonly record struct AffineRows(
    double M00, double M01, double M02, double M03,
    double M10, double M11, double M12, double M13,
    double M20, double M21, double M22, double M23)
{
    public static AffineRows Of(Affine a) => new(
        a[0, 0], a[0, 1], a[0, 2], a[0, 3],
        a[1, 0], a[1, 1], a[1, 2], a[1, 3],
        a[2, 0], a[2, 1], a[2, 2], a[2, 3]);

    public double SpacingX => Math.Sqrt(M00 * M00 + M10 * M10 + M20 * M20);
    public double SpacingY => Math.Sqrt(M01 * M01 + M11 * M11 + M21 * M21);
    public double SpacingZ => Math.Sqrt(M02 * M02 + M12 * M12 + M22 * M22);

    public (double X, double Y, double Z) Position(double i, double j, double k) => (
        M00 * i + M01 * j + M02 * k + M03,
        M10 * i + M11 * j + M12 * k + M13,
        M20 * i + M21 * j + M22 * k + M23);

    /// <summary>RAS position (mm) of the voxel with linear index <paramref name="index"/>.</summary>
    public (double X, double Y, double Z) Position(int index, Grid grid)
    {
        int x = index % grid.SizeX;
        int rest = index / grid.SizeX;
        return Position(x, rest % grid.SizeY, rest / grid.SizeY);
    }
}
