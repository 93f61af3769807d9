namespace NativeSeg.IO.Volumes;

/// <summary>
/// The voxel grid of a volume: sizes along the three index axes (i = columns, fastest in memory; j = rows;
/// k = slices) and the affine from indices to RAS patient coordinates in mm.
/// </summary>
public sealed record Grid
{
    public Grid(int sizeX, int sizeY, int sizeZ, Affine affine)
    {
        if (sizeX <= 0 || sizeY <= 0 || sizeZ <= 0)
            throw new ArgumentException($"Grid sizes must be positive, got {sizeX}×{sizeY}×{sizeZ}.");
        if ((long)sizeX * sizeY * sizeZ > int.MaxValue)
            throw new ArgumentException($"Grid {sizeX}×{sizeY}×{sizeZ} is too large for one buffer.");
        SizeX = sizeX;
        SizeY = sizeY;
        SizeZ = sizeZ;
        Affine = affine;
    }

    public int SizeX { get; }
    public int SizeY { get; }
    public int SizeZ { get; }
    public Affine Affine { get; init; }

    public int VoxelCount => SizeX * SizeY * SizeZ;

    public int SliceLength => SizeX * SizeY;

    /// <summary>Linear index of voxel (x, y, z): x fastest, then y, then z (NIfTI and DICOM order).</summary>
    public int Index(int x, int y, int z) => x + SizeX * (y + SizeY * z);

    /// <summary>Volume of one voxel in mm³.</summary>
    public double VoxelVolume => Math.Abs(Determinant3(Affine));

    public bool SameGeometry(Grid other, double tolerance = 1e-4) =>
        SizeX == other.SizeX && SizeY == other.SizeY && SizeZ == other.SizeZ && Affine.ApproximatelyEquals(other.Affine, tolerance);

    public override string ToString() => $"{SizeX}×{SizeY}×{SizeZ}, affine {Affine}";

    private static double Determinant3(Affine a) =>
        a[0, 0] * (a[1, 1] * a[2, 2] - a[1, 2] * a[2, 1])
        - a[0, 1] * (a[1, 0] * a[2, 2] - a[1, 2] * a[2, 0])
        + a[0, 2] * (a[1, 0] * a[2, 1] - a[1, 1] * a[2, 0]);
}
