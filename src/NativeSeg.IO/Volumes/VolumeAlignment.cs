namespace NativeSeg.IO.Volumes;

/// <summary>
/// Puts a volume (a mask, a probability map) onto a CT's grid when both describe the same voxels in a different index order (a DICOM series read
/// with rows top to bottom against a NIfTI written with rows flipped, say). Nearest-neighbour through the affines;
/// refuses unless every voxel centre of the target lands within 0.05 voxel of a mask voxel centre.
/// </summary>
public static class VolumeAlignment
{
    public static Volume<T> OntoGrid<T>(Volume<T> mask, Grid target, string maskPath) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(target);
        if (mask.Grid.SameGeometry(target, 1e-3)) return mask;
        var inverse = Inverse(mask.Grid.Affine, maskPath);
        var t = target.Affine;
        // The index map is affine: mask index = M·target index + c. Check it is integral and in range at the corners,
        // which bounds every voxel in between.
        (double, double, double) Map(double i, double j, double k)
        {
            var (x, y, z) = t.Apply(i, j, k);
            return Apply(inverse, x, y, z);
        }
        var g = mask.Grid;
        foreach (int i in new[] { 0, target.SizeX - 1 })
            foreach (int j in new[] { 0, target.SizeY - 1 })
                foreach (int k in new[] { 0, target.SizeZ - 1 })
                {
                    var (a, b, c) = Map(i, j, k);
                    if (!NearInteger(a) || !NearInteger(b) || !NearInteger(c)
                        || Math.Round(a) < 0 || Math.Round(b) < 0 || Math.Round(c) < 0
                        || Math.Round(a) >= g.SizeX || Math.Round(b) >= g.SizeY || Math.Round(c) >= g.SizeZ)
                        throw new InvalidInputException(maskPath,
                            $"the grid ({g}) does not cover the CT grid ({target}) voxel for voxel; resample it first.");
                }
        var (o0, o1, o2) = Map(0, 0, 0);
        var (x0, x1, x2) = Map(1, 0, 0);
        var (y0, y1, y2) = Map(0, 1, 0);
        var (z0, z1, z2) = Map(0, 0, 1);
        int[] origin = [(int)Math.Round(o0), (int)Math.Round(o1), (int)Math.Round(o2)];
        int[] di = [(int)Math.Round(x0 - o0), (int)Math.Round(x1 - o1), (int)Math.Round(x2 - o2)];
        int[] dj = [(int)Math.Round(y0 - o0), (int)Math.Round(y1 - o1), (int)Math.Round(y2 - o2)];
        int[] dk = [(int)Math.Round(z0 - o0), (int)Math.Round(z1 - o1), (int)Math.Round(z2 - o2)];
        var result = new T[target.VoxelCount];
        Parallel.For(0, target.SizeZ, k =>
        {
            for (int j = 0; j < target.SizeY; j++)
                for (int i = 0; i < target.SizeX; i++)
                {
                    int a = origin[0] + di[0] * i + dj[0] * j + dk[0] * k;
                    int b = origin[1] + di[1] * i + dj[1] * j + dk[1] * k;
                    int c = origin[2] + di[2] * i + dj[2] * j + dk[2] * k;
                    result[target.Index(i, j, k)] = mask.Voxels[g.Index(a, b, c)];
                }
        });
        return new Volume<T>(target, result);
    }

    private static bool NearInteger(double v) => Math.Abs(v - Math.Round(v)) < 0.05;

    private static double[] Inverse(Affine a, string path)
    {
        double m00 = a[0, 0], m01 = a[0, 1], m02 = a[0, 2], m10 = a[1, 0], m11 = a[1, 1], m12 = a[1, 2], m20 = a[2, 0], m21 = a[2, 1], m22 = a[2, 2];
        double det = m00 * (m11 * m22 - m12 * m21) - m01 * (m10 * m22 - m12 * m20) + m02 * (m10 * m21 - m11 * m20);
        if (Math.Abs(det) < 1e-12) throw new InvalidInputException(path, "the affine is singular.");
        double[] r =
        [
            (m11 * m22 - m12 * m21) / det, (m02 * m21 - m01 * m22) / det, (m01 * m12 - m02 * m11) / det,
            (m12 * m20 - m10 * m22) / det, (m00 * m22 - m02 * m20) / det, (m02 * m10 - m00 * m12) / det,
            (m10 * m21 - m11 * m20) / det, (m01 * m20 - m00 * m21) / det, (m00 * m11 - m01 * m10) / det,
        ];
        return [r[0], r[1], r[2], a[0, 3], r[3], r[4], r[5], a[1, 3], r[6], r[7], r[8], a[2, 3]];
    }

    /// <summary>index = R·(p − t), with R and t packed by <see cref="Inverse"/>.</summary>
    private static (double, double, double) Apply(double[] inv, double x, double y, double z)
    {
        double px = x - inv[3], py = y - inv[7], pz = z - inv[11];
        return (inv[0] * px + inv[1] * py + inv[2] * pz, inv[4] * px + inv[5] * py + inv[6] * pz, inv[8] * px + inv[9] * py + inv[10] * pz);
    }
}
