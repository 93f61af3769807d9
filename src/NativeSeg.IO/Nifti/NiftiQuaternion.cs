using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Nifti;

/// <summary>
/// NIfTI's qform: a rotation stored as the quaternion (b, c, d) with a = √(1 − b² − c² − d²) ≥ 0, a handedness
/// factor qfac = pixdim[0] (−1 flips the third axis), the spacings pixdim[1..3] and an offset.
/// Both directions live here: header → affine (reading) and affine → header (writing).
/// </summary>
internal static class NiftiQuaternion
{
    public static Affine ToAffine(double b, double c, double d, double qx, double qy, double qz,
                                  double qfacField, double dx, double dy, double dz)
    {
        // As nifti1_io.c: when b²+c²+d² reaches 1 the rotation is 180°; renormalise and take a = 0.
        double a = 1.0 - (b * b + c * c + d * d);
        if (a < 1e-7)
        {
            double n = Math.Sqrt(b * b + c * c + d * d);
            if (n > 0) { b /= n; c /= n; d /= n; }
            a = 0;
        }
        else
        {
            a = Math.Sqrt(a);
        }

        double qfac = qfacField < 0 ? -1 : 1;
        double sx = NiftiHeader.PositiveOrOne(dx), sy = NiftiHeader.PositiveOrOne(dy), sz = NiftiHeader.PositiveOrOne(dz) * qfac;
        return new Affine(new double[,]
        {
            { (a * a + b * b - c * c - d * d) * sx, 2 * (b * c - a * d) * sy, 2 * (b * d + a * c) * sz, qx },
            { 2 * (b * c + a * d) * sx, (a * a + c * c - b * b - d * d) * sy, 2 * (c * d - a * b) * sz, qy },
            { 2 * (b * d - a * c) * sx, 2 * (c * d + a * b) * sy, (a * a + d * d - c * c - b * b) * sz, qz },
        });
    }

    /// <summary>
    /// Splits an affine into spacings, qfac and a quaternion. An affine with shear has no exact qform: the
    /// direction matrix is replaced by its nearest rotation (polar decomposition), as nifti1_io does; the
    /// sform keeps the exact affine.
    /// </summary>
    public static (double B, double C, double D, double Qfac, double Dx, double Dy, double Dz) FromAffine(Affine affine)
    {
        var r = new double[3, 3];
        var spacing = new double[3];
        for (int col = 0; col < 3; col++)
        {
            spacing[col] = affine.Spacing(col);
            double norm = spacing[col] > 0 ? spacing[col] : 1;
            for (int row = 0; row < 3; row++) r[row, col] = affine[row, col] / norm;
        }

        r = NearestRotation(r);
        double qfac = 1;
        if (Determinant(r) < 0)
        {
            qfac = -1;
            for (int row = 0; row < 3; row++) r[row, 2] = -r[row, 2];
        }

        var (a, b, c, d) = FromRotation(r);
        if (a < 0) { b = -b; c = -c; d = -d; }
        return (b, c, d, qfac, spacing[0], spacing[1], spacing[2]);
    }

    private static (double A, double B, double C, double D) FromRotation(double[,] r)
    {
        double trace = r[0, 0] + r[1, 1] + r[2, 2] + 1;
        if (trace > 0.5)
        {
            double a = 0.5 * Math.Sqrt(trace);
            return (a, 0.25 * (r[2, 1] - r[1, 2]) / a, 0.25 * (r[0, 2] - r[2, 0]) / a, 0.25 * (r[1, 0] - r[0, 1]) / a);
        }

        // Near-180° rotations: divide by the largest of b, c, d instead (each of these equals 4·component²).
        double xd = 1 + r[0, 0] - (r[1, 1] + r[2, 2]);
        double yd = 1 + r[1, 1] - (r[0, 0] + r[2, 2]);
        double zd = 1 + r[2, 2] - (r[0, 0] + r[1, 1]);
        if (xd >= yd && xd >= zd)
        {
            double b = 0.5 * Math.Sqrt(xd);
            return (0.25 * (r[2, 1] - r[1, 2]) / b, b, 0.25 * (r[0, 1] + r[1, 0]) / b, 0.25 * (r[0, 2] + r[2, 0]) / b);
        }
        if (yd >= zd)
        {
            double c = 0.5 * Math.Sqrt(yd);
            return (0.25 * (r[0, 2] - r[2, 0]) / c, 0.25 * (r[0, 1] + r[1, 0]) / c, c, 0.25 * (r[1, 2] + r[2, 1]) / c);
        }
        double d = 0.5 * Math.Sqrt(zd);
        return (0.25 * (r[1, 0] - r[0, 1]) / d, 0.25 * (r[0, 2] + r[2, 0]) / d, 0.25 * (r[1, 2] + r[2, 1]) / d, d);
    }

    /// <summary>Orthogonal polar factor by Newton's iteration X ← (X + X⁻ᵀ) / 2; exact rotations return at once.</summary>
    private static double[,] NearestRotation(double[,] m)
    {
        var x = (double[,])m.Clone();
        for (int iteration = 0; iteration < 50; iteration++)
        {
            var inverseTranspose = InverseTranspose(x);
            if (inverseTranspose is null) return x; // singular: nothing better to offer
            double change = 0;
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                {
                    double next = 0.5 * (x[i, j] + inverseTranspose[i, j]);
                    change = Math.Max(change, Math.Abs(next - x[i, j]));
                    x[i, j] = next;
                }
            if (change < 1e-12) break;
        }
        return x;
    }

    private static double Determinant(double[,] m) =>
        m[0, 0] * (m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1])
        - m[0, 1] * (m[1, 0] * m[2, 2] - m[1, 2] * m[2, 0])
        + m[0, 2] * (m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0]);

    private static double[,]? InverseTranspose(double[,] m)
    {
        double det = Determinant(m);
        if (Math.Abs(det) < 1e-300) return null;
        // The inverse transpose is the cofactor matrix divided by the determinant.
        var cof = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                int i1 = (i + 1) % 3, i2 = (i + 2) % 3, j1 = (j + 1) % 3, j2 = (j + 2) % 3;
                cof[i, j] = (m[i1, j1] * m[i2, j2] - m[i1, j2] * m[i2, j1]) / det;
            }
        return cof;
    }
}
