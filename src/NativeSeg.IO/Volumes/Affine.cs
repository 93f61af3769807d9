namespace NativeSeg.IO.Volumes;

/// <summary>
/// A 3×4 affine from voxel indices (i = column, j = row, k = slice) to patient coordinates in millimetres,
/// in NIfTI's RAS+ convention (+x towards the patient's Right, +y Anterior, +z Superior). DICOM's LPS+ space
/// differs by the sign of x and y: RAS x = −LPS x, RAS y = −LPS y, RAS z = LPS z.
/// Row-major: M[r, c] with c = 0..2 the index axes and c = 3 the origin.
/// </summary>
public readonly struct Affine : IEquatable<Affine>
{
    private readonly double[] _m; // 12 values, row-major 3×4

    public Affine(double[,] matrix)
    {
        if (matrix.GetLength(0) < 3 || matrix.GetLength(1) != 4)
            throw new ArgumentException("An affine needs a 3×4 or 4×4 matrix.", nameof(matrix));
        _m = new double[12];
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 4; c++)
                _m[r * 4 + c] = matrix[r, c];
    }

    public double this[int row, int column] => row == 3 ? (column == 3 ? 1 : 0) : (_m ?? Identity._m)[row * 4 + column];

    public static Affine Identity => new(new double[,] { { 1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 1, 0 } });

    /// <summary>Diagonal affine with the given spacing and origin (RAS).</summary>
    public static Affine FromSpacing(double sx, double sy, double sz, double ox = 0, double oy = 0, double oz = 0) =>
        new(new double[,] { { sx, 0, 0, ox }, { 0, sy, 0, oy }, { 0, 0, sz, oz } });

    /// <summary>Patient position (RAS, mm) of a voxel index (fractional indices allowed).</summary>
    public (double X, double Y, double Z) Apply(double i, double j, double k) => (
        this[0, 0] * i + this[0, 1] * j + this[0, 2] * k + this[0, 3],
        this[1, 0] * i + this[1, 1] * j + this[1, 2] * k + this[1, 3],
        this[2, 0] * i + this[2, 1] * j + this[2, 2] * k + this[2, 3]);

    /// <summary>Voxel spacing along index axis 0, 1, 2 (the column norms).</summary>
    public double Spacing(int axis) =>
        Math.Sqrt(this[0, axis] * this[0, axis] + this[1, axis] * this[1, axis] + this[2, axis] * this[2, axis]);

    /// <summary>The same affine expressed in DICOM's LPS patient space (flip the sign of the first two rows).</summary>
    public Affine ToLps() => FlipXY();

    /// <summary>Builds the RAS affine from an affine expressed in DICOM's LPS patient space.</summary>
    public static Affine FromLps(Affine lps) => lps.FlipXY();

    /// <summary>True when every element agrees within the tolerance (mm).</summary>
    public bool ApproximatelyEquals(Affine other, double tolerance)
    {
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 4; c++)
                if (Math.Abs(this[r, c] - other[r, c]) > tolerance) return false;
        return true;
    }

    public bool Equals(Affine other) => ApproximatelyEquals(other, 0);

    public override bool Equals(object? obj) => obj is Affine a && Equals(a);

    public override int GetHashCode() => HashCode.Combine(this[0, 0], this[1, 1], this[2, 2], this[0, 3], this[1, 3], this[2, 3]);

    public override string ToString()
    {
        var rows = new string[3];
        for (int r = 0; r < 3; r++)
            rows[r] = $"[{this[r, 0]:G6}, {this[r, 1]:G6}, {this[r, 2]:G6}, {this[r, 3]:G6}]";
        return string.Join(" ", rows);
    }

    private Affine FlipXY()
    {
        var m = new double[3, 4];
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 4; c++)
                m[r, c] = (r < 2 ? -1 : 1) * this[r, c];
        return new Affine(m);
    }
}
