using System.Globalization;
using NativeSeg.IO.Volumes;

namespace NativeSeg.IO;

/// <summary>
/// The voxel geometry NativeSeg accepts as a CT, in one place. A header outside these ranges is corrupt or in the
/// wrong units, and reading it anyway gives lung volumes that are off by orders of magnitude with exit 0.
/// <list type="bullet">
/// <item>In-plane pixel size 0.05–20 mm. Scanners reconstruct 0.2–1.5 mm (a 100–700 mm field of view on a
/// 512 matrix); the range leaves room for ultra-high-resolution reconstructions and for down-sampled volumes
/// (NativeSeg's own 32×32 test phantoms have 12.5 mm pixels), and still refuses a factor-1000 unit error either
/// way: sizes in metres (≤ 0.002) or micrometres (≥ 200).</item>
/// <item>Slice spacing 0.05–50 mm. Scanners reconstruct 0.5–10 mm slices (20 mm for sparse interval HRCT); the
/// top leaves room for coarse down-sampled volumes (the test phantoms have 37.5 mm slices), and metres or
/// micrometres fall outside again.</item>
/// <item>Positions (origin, ImagePositionPatient) within ±100 m (1e5 mm) of the scanner's origin: real positions are
/// within about a metre; far beyond, the written affine loses precision or becomes infinite.</item>
/// <item>Axis directions finite and not degenerate: any two index axes at least 60° apart (|cos| ≤ 0.5), which
/// still admits the shear of any gantry tilt a scanner allows (±30°), and the three not nearly coplanar (the voxel
/// volume at least half the product of the spacings; a 30° tilt keeps 0.87 of it).</item>
/// </list>
/// </summary>
public static class CtGeometryLimits
{
    public const double MinInPlaneSpacingMm = 0.05;
    public const double MaxInPlaneSpacingMm = 20;
    public const double MinSliceSpacingMm = 0.05;
    public const double MaxSliceSpacingMm = 50;
    public const double MaxAbsolutePositionMm = 1e5;
    public const double MaxAxisCosine = 0.5;
    public const double MinVolumeFraction = 0.5;

    public static string InPlaneRange => Range(MinInPlaneSpacingMm, MaxInPlaneSpacingMm);

    public static string SliceRange => Range(MinSliceSpacingMm, MaxSliceSpacingMm);

    public static bool IsPlausibleInPlaneSpacing(double mm) => mm >= MinInPlaneSpacingMm && mm <= MaxInPlaneSpacingMm;

    public static bool IsPlausibleSliceSpacing(double mm) => mm >= MinSliceSpacingMm && mm <= MaxSliceSpacingMm;

    public static bool IsPlausiblePosition(double mm) => Math.Abs(mm) <= MaxAbsolutePositionMm;

    /// <summary>Refuses an in-plane pixel size outside the range, naming the header field it came from.</summary>
    public static void RequireInPlaneSpacing(double mm, string path, string field)
    {
        if (!IsPlausibleInPlaneSpacing(mm))
            throw new InvalidInputException(path, $"{field} = {Format(mm)} mm is not a plausible CT pixel size ({InPlaneRange})");
    }

    /// <summary>Refuses a slice spacing outside the range, naming the header field it came from.</summary>
    public static void RequireSliceSpacing(double mm, string path, string field)
    {
        if (!IsPlausibleSliceSpacing(mm))
            throw new InvalidInputException(path, $"{field} = {Format(mm)} mm is not a plausible CT slice spacing ({SliceRange})");
    }

    /// <summary>Refuses a coordinate that is not finite or lies beyond ±1e5 mm, naming the header field.</summary>
    public static void RequirePosition(double mm, string path, string field)
    {
        if (!IsPlausiblePosition(mm))
            throw new InvalidInputException(path, $"{field} = {Format(mm)} mm is not a plausible patient position (|x| ≤ {Format(MaxAbsolutePositionMm)} mm)");
    }

    /// <summary>
    /// The last line of defence for any CT grid, whichever format it came from: a finite affine, index axes 0 and 1
    /// with in-plane pixel sizes, axis 2 with a slice spacing, a plausible origin and non-degenerate axes.
    /// Readers check the named header fields first, so this speaks of the affine.
    /// </summary>
    public static void RequirePlausible(Grid grid, string path)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var affine = grid.Affine;
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 4; c++)
                if (!double.IsFinite(affine[r, c]))
                    throw new InvalidInputException(path, $"the voxel-to-patient affine holds a non-finite value at row {r}, column {c}");
        RequireInPlaneSpacing(affine.Spacing(0), path, "the affine's column spacing");
        RequireInPlaneSpacing(affine.Spacing(1), path, "the affine's row spacing");
        RequireSliceSpacing(affine.Spacing(2), path, "the affine's slice spacing");
        for (int r = 0; r < 3; r++)
            RequirePosition(affine[r, 3], path, $"the affine's origin[{r}]");
        for (int a = 0; a < 3; a++)
            for (int b = a + 1; b < 3; b++)
            {
                double cosine = AxisCosine(affine, a, b);
                if (!(Math.Abs(cosine) <= MaxAxisCosine))
                    throw new InvalidInputException(path,
                        $"index axes {a} and {b} of the affine are {Format(Math.Acos(Math.Clamp(cosine, -1, 1)) * 180 / Math.PI)}° apart; a CT's axes are (nearly) perpendicular");
            }
        double volumeFraction = grid.VoxelVolume / (affine.Spacing(0) * affine.Spacing(1) * affine.Spacing(2));
        if (!(volumeFraction >= MinVolumeFraction))
            throw new InvalidInputException(path,
                $"the affine's three axes are nearly coplanar (voxel volume {Format(volumeFraction)} of the product of the spacings); a CT's axes are (nearly) perpendicular");
    }

    private static double AxisCosine(Affine affine, int a, int b)
    {
        double dot = 0;
        for (int r = 0; r < 3; r++) dot += affine[r, a] * affine[r, b];
        return dot / (affine.Spacing(a) * affine.Spacing(b));
    }

    private static string Range(double min, double max) => $"{Format(min)}–{Format(max)} mm";

    /// <summary>Six significant digits, invariant culture: enough to recognise the value, short enough for one line.</summary>
    public static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
