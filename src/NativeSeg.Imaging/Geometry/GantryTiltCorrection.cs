using System.Globalization;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Geometry;

/// <summary>
/// A gantry-tilted stack (the slice axis, index axis 2, not perpendicular to the slice planes: each slice shifted
/// in-plane against the previous one) resampled onto an untilted grid for the network, and the network's mask put
/// back onto the tilted grid. Every slice keeps its plane; only its in-plane position moves, by the same shift for
/// all its pixels, so the resampling is one bilinear shift per slice and the way back one nearest-neighbour shift.
/// <para>
/// With the affine's columns a, b (in-plane) and c (slice step), c = c⊥ + s_i·a + s_j·b with c⊥ along the slice
/// normal. The untilted grid has columns a, b, c⊥; tilted voxel (i, j, k) lies at untilted
/// (i + (k − κ)·s_i + P_i, j + (k − κ)·s_j + P_j, k), κ = (K − 1)/2 the middle slice, and the untilted grid is padded
/// by P = ⌈κ·|s|⌉ voxels on both sides of each in-plane axis, so every tilted voxel has a place on it and nothing
/// is cut off. Padding reads the volume's lowest value (air or the scanner's padding value).
/// </para>
/// </summary>
public sealed class GantryTiltCorrection
{
    /// <summary>A stack whose slices move less than this (voxels) between the middle and the last slice is left alone.</summary>
    public const double NegligibleShiftVoxels = 0.05;

    private GantryTiltCorrection(Grid tilted, Grid untilted, double shiftI, double shiftJ, int padI, int padJ, double degrees)
    {
        Tilted = tilted;
        Untilted = untilted;
        ShiftI = shiftI;
        ShiftJ = shiftJ;
        PadI = padI;
        PadJ = padJ;
        TiltDegrees = degrees;
    }

    /// <summary>The input's grid: <see cref="Retilt{T}"/> returns volumes on exactly it.</summary>
    public Grid Tilted { get; }

    /// <summary>The untilted, padded grid the network sees.</summary>
    public Grid Untilted { get; }

    /// <summary>In-plane shift per slice along index axis 0 and 1, in voxels (s_i, s_j).</summary>
    public double ShiftI { get; }

    public double ShiftJ { get; }

    public int PadI { get; }

    public int PadJ { get; }

    /// <summary>The angle between the slice step and the slice normal.</summary>
    public double TiltDegrees { get; }

    /// <summary>The correction for <paramref name="grid"/>, or null when its slices are not measurably shifted.</summary>
    public static GantryTiltCorrection? For(Grid grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var m = grid.Affine;
        double[] a = [m[0, 0], m[1, 0], m[2, 0]], b = [m[0, 1], m[1, 1], m[2, 1]], c = [m[0, 2], m[1, 2], m[2, 2]];
        // The in-plane part of c solves the 2×2 Gram system [a·a a·b; a·b b·b]·(s_i, s_j) = (c·a, c·b).
        double aa = Dot(a, a), ab = Dot(a, b), bb = Dot(b, b), ca = Dot(c, a), cb = Dot(c, b);
        double det = aa * bb - ab * ab;
        if (!(det > 0)) return null;
        double si = (ca * bb - cb * ab) / det, sj = (cb * aa - ca * ab) / det;
        double half = (grid.SizeZ - 1) / 2.0;
        if (Math.Max(Math.Abs(si), Math.Abs(sj)) * half < NegligibleShiftVoxels) return null;

        double[] perpendicular = [c[0] - si * a[0] - sj * b[0], c[1] - si * a[1] - sj * b[1], c[2] - si * a[2] - sj * b[2]];
        double[] shift = [si * a[0] + sj * b[0], si * a[1] + sj * b[1], si * a[2] + sj * b[2]];
        double inPlane = Math.Sqrt(Dot(shift, shift));
        double degrees = Math.Atan2(inPlane, Math.Sqrt(Dot(perpendicular, perpendicular))) * 180 / Math.PI;
        int padI = (int)Math.Ceiling(half * Math.Abs(si) - 1e-9), padJ = (int)Math.Ceiling(half * Math.Abs(sj) - 1e-9);
        var u = new double[3, 4];
        for (int r = 0; r < 3; r++)
        {
            u[r, 0] = a[r];
            u[r, 1] = b[r];
            u[r, 2] = perpendicular[r];
            // Untilted (P_i, P_j, 0) is tilted (−κ·s_i, −κ·s_j, 0): the middle slice stays where it is.
            u[r, 3] = m[r, 3] + (half * si - padI) * a[r] + (half * sj - padJ) * b[r];
        }
        var untilted = new Grid(grid.SizeX + 2 * padI, grid.SizeY + 2 * padJ, grid.SizeZ, new Affine(u));
        return new GantryTiltCorrection(grid, untilted, si, sj, padI, padJ, degrees);
    }

    /// <summary>The CT on the untilted grid: each slice shifted bilinearly, the padding at the volume's lowest value.</summary>
    public Volume<float> Untilt(Volume<float> ct)
    {
        ArgumentNullException.ThrowIfNull(ct);
        if (!ct.Grid.SameGeometry(Tilted, 1e-3))
            throw new ArgumentException($"the volume's grid {ct.Grid} is not the tilted grid {Tilted}.", nameof(ct));
        float fill = float.PositiveInfinity;
        foreach (float v in ct.Voxels) if (v < fill) fill = v;
        if (!float.IsFinite(fill)) fill = 0;

        var result = new Volume<float>(Untilted);
        int nx = Tilted.SizeX, ny = Tilted.SizeY, ux = Untilted.SizeX, uy = Untilted.SizeY;
        Parallel.For(0, Tilted.SizeZ, k =>
        {
            // Untilted (u, v) reads tilted (u − offsetI, v − offsetJ), offset = (k − κ)·s + P.
            var (offsetI, offsetJ) = Offset(k);
            double x0 = Math.Floor(-offsetI), y0 = Math.Floor(-offsetJ);
            float fx = (float)(-offsetI - x0), fy = (float)(-offsetJ - y0);
            int dx = (int)x0, dy = (int)y0;
            var source = ct.Voxels;
            int sliceStart = k * nx * ny;
            var target = result.Slice(k);
            float Read(int x, int y) => x >= 0 && y >= 0 && x < nx && y < ny ? source[sliceStart + x + nx * y] : fill;
            for (int v = 0; v < uy; v++)
            {
                int y = v + dy;
                for (int u = 0; u < ux; u++)
                {
                    int x = u + dx;
                    float top = Read(x, y) + fx * (Read(x + 1, y) - Read(x, y));
                    float bottom = Read(x, y + 1) + fx * (Read(x + 1, y + 1) - Read(x, y + 1));
                    target[u + ux * v] = top + fy * (bottom - top);
                }
            }
        });
        return result;
    }

    /// <summary>A volume on the untilted grid (a mask, probabilities) put back onto the tilted grid, nearest neighbour.</summary>
    public Volume<T> Retilt<T>(Volume<T> untilted) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(untilted);
        if (!untilted.Grid.SameGeometry(Untilted, 1e-3))
            throw new ArgumentException($"the volume's grid {untilted.Grid} is not the untilted grid {Untilted}.", nameof(untilted));
        var result = new Volume<T>(Tilted);
        int nx = Tilted.SizeX, ny = Tilted.SizeY, ux = Untilted.SizeX;
        Parallel.For(0, Tilted.SizeZ, k =>
        {
            var (offsetI, offsetJ) = Offset(k);
            // Round half up, the same way for every voxel of the slice: the shift is one number per slice.
            int dx = (int)Math.Floor(offsetI + 0.5), dy = (int)Math.Floor(offsetJ + 0.5);
            var source = untilted.Slice(k);
            var target = result.Slice(k);
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                    target[x + nx * y] = source[x + dx + ux * (y + dy)];
        });
        return result;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"gantry tilt {TiltDegrees:F2}°: {ShiftI:G4}, {ShiftJ:G4} voxels per slice, padded by {PadI}, {PadJ}");

    /// <summary>Where tilted voxel (0, 0) of slice k lies on the untilted grid: (k − κ)·s + P.</summary>
    private (double I, double J) Offset(int k)
    {
        double fromMiddle = k - (Tilted.SizeZ - 1) / 2.0;
        return (fromMiddle * ShiftI + PadI, fromMiddle * ShiftJ + PadJ);
    }

    private static double Dot(double[] x, double[] y) => x[0] * y[0] + x[1] * y[1] + x[2] * y[2];
}
