using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Dicom;

/// <summary>
/// Puts the planes of one series in order and derives the voxel grid. Slices are sorted by their position along the
/// slice normal (row cosine × column cosine) — never by file name or InstanceNumber, which scanners number either
/// way — and the series must form a regular stack: one orientation, one size, one pixel spacing, no repeated
/// positions, no gaps. A gantry-tilted stack (each slice shifted in-plane by the same step: shear) keeps its shear in
/// the affine's slice axis, which then is not perpendicular to the slices; the shift must be the same between every
/// pair of neighbours (a straight line of slice positions), otherwise the series is refused.
/// </summary>
internal static class DicomSeriesGeometry
{
    private const double OrientationTolerance = 1e-4;     // direction cosines
    private const double SpacingTolerance = 1e-4;         // relative, pixel spacing
    private const double DuplicateDistance = 1e-3;        // mm along the normal
    private const double GapFactor = 1.5;                 // a step this many times the median is a missing slice
    private const double IrregularFraction = 0.2;         // steps further than this from the median are irregular
    private const double ShearToleranceMm = 0.02;
    private const double ShearToleranceFraction = 0.02;   // of the step along the normal

    public static (DicomSliceHeader[] Sorted, Grid Grid) Assemble(IReadOnlyList<DicomSliceHeader> slices, string source)
    {
        var first = slices[0];
        var row = first.Orientation.AsSpan(0, 3).ToArray();
        var column = first.Orientation.AsSpan(3, 3).ToArray();
        if (Math.Abs(Norm(row) - 1) > 1e-2 || Math.Abs(Norm(column) - 1) > 1e-2 || Math.Abs(Dot(row, column)) > 1e-2)
            throw new InvalidInputException(first.Path, $"ImageOrientationPatient [{string.Join(", ", first.Orientation)}] is not two orthogonal unit vectors");
        var normal = Normalize(Cross(row, column));
        row = Normalize(row);
        column = Normalize(column);

        foreach (var s in slices)
        {
            if (s.Rows != first.Rows || s.Columns != first.Columns)
                throw new InvalidInputException(source, $"the series mixes image sizes: {first.Columns}×{first.Rows} ({first.Path}) and {s.Columns}×{s.Rows} ({s.Path})");
            for (int i = 0; i < 6; i++)
                if (Math.Abs(s.Orientation[i] - first.Orientation[i]) > OrientationTolerance)
                    throw new InvalidInputException(source, $"the series mixes orientations: [{string.Join(", ", first.Orientation)}] ({first.Path}) and [{string.Join(", ", s.Orientation)}] ({s.Path})");
            if (!Close(s.RowSpacing, first.RowSpacing) || !Close(s.ColumnSpacing, first.ColumnSpacing))
                throw new InvalidInputException(source, $"the series mixes pixel spacings: {first.RowSpacing}×{first.ColumnSpacing} ({first.Path}) and {s.RowSpacing}×{s.ColumnSpacing} ({s.Path})");
        }

        var sorted = slices.OrderBy(s => Dot(s.Position, normal)).ThenBy(s => s.Path, StringComparer.Ordinal).ThenBy(s => s.Frame).ToArray();
        var (sliceSpacing, shear) = CheckStack(sorted, normal, source);

        // LPS affine columns: index i (column) moves along the row cosine by the column spacing, index j (row) along
        // the column cosine by the row spacing, index k along the normal by the slice spacing (positive: sorted
        // ascending along the normal). The origin is the centre of the first sorted slice's first pixel.
        var origin = sorted[0].Position;
        var lps = new double[3, 4];
        for (int r = 0; r < 3; r++)
        {
            lps[r, 0] = row[r] * first.ColumnSpacing;
            lps[r, 1] = column[r] * first.RowSpacing;
            lps[r, 2] = normal[r] * sliceSpacing + shear[r];
            lps[r, 3] = origin[r];
        }
        var grid = new Grid(first.Columns, first.Rows, sorted.Length, Affine.FromLps(new Affine(lps)));
        return (sorted, grid);
    }

    /// <summary>
    /// Checks that the sorted slices form a regular stack and returns the slice spacing along the normal and the in-plane
    /// shift per slice (LPS mm; zero unless the stack is measurably sheared).
    /// </summary>
    private static (double Spacing, double[] Shear) CheckStack(DicomSliceHeader[] sorted, double[] normal, string source)
    {
        if (sorted.Length == 1)
        {
            // A lone slice: its stated spacing makes the affine's third column, and with it every volume in mL.
            var lone = sorted[0];
            if (lone.SliceSpacingHint is not { } hint)
                throw new InvalidInputException(lone.Path, "a single slice with neither SliceThickness nor SpacingBetweenSlices has no slice spacing, so its voxel volume is unknown");
            CtGeometryLimits.RequireSliceSpacing(hint.Millimetres, lone.Path, hint.Field);
            return (hint.Millimetres, [0, 0, 0]);
        }

        var steps = new double[sorted.Length - 1];
        bool sheared = false;
        for (int k = 0; k + 1 < sorted.Length; k++)
        {
            var a = sorted[k];
            var b = sorted[k + 1];
            var delta = Subtract(b.Position, a.Position);
            double along = Dot(delta, normal);
            steps[k] = along;
            if (along < DuplicateDistance)
                throw new InvalidInputException(source,
                    $"two slices share the position {Dot(a.Position, normal):F3} mm along the slice normal ({Describe(a)} and {Describe(b)}): the series holds duplicate or overlapping acquisitions");
            double inPlane = Norm(Subtract(delta, Scale(normal, along)));
            sheared |= inPlane > ShearToleranceMm + ShearToleranceFraction * along;
        }

        var ordered = (double[])steps.Clone();
        Array.Sort(ordered);
        double median = ordered[ordered.Length / 2];
        for (int k = 0; k < steps.Length; k++)
        {
            if (steps[k] > GapFactor * median)
            {
                int missing = (int)Math.Round(steps[k] / median) - 1;
                throw new InvalidInputException(source,
                    $"slices are missing: a gap of {steps[k]:F3} mm between {Describe(sorted[k])} and {Describe(sorted[k + 1])} where the median spacing is {median:F3} mm (about {Math.Max(1, missing)} slice(s) missing)");
            }
            if (Math.Abs(steps[k] - median) > IrregularFraction * median)
                throw new InvalidInputException(source,
                    $"irregular slice spacing: {steps[k]:F3} mm between {Describe(sorted[k])} and {Describe(sorted[k + 1])}, median {median:F3} mm");
        }
        // The mean step spreads rounding in the stored positions evenly over the stack.
        double spacing = (Dot(sorted[^1].Position, normal) - Dot(sorted[0].Position, normal)) / (sorted.Length - 1);
        CtGeometryLimits.RequireSliceSpacing(spacing, source, "the slice spacing from ImagePositionPatient");
        return (spacing, sheared ? UniformShear(sorted, normal, median, source) : [0, 0, 0]);
    }

    /// <summary>
    /// The in-plane shift per slice of a gantry-tilted stack, the mean over the stack; refused unless every slice lies
    /// on the straight line it defines (a tilt that changes within the series cannot be undone by one shear).
    /// </summary>
    private static double[] UniformShear(DicomSliceHeader[] sorted, double[] normal, double medianStep, string source)
    {
        double[] InPlane(DicomSliceHeader s) => Subtract(s.Position, Scale(normal, Dot(s.Position, normal)));
        var first = InPlane(sorted[0]);
        var shear = Scale(Subtract(InPlane(sorted[^1]), first), 1.0 / (sorted.Length - 1));
        double tolerance = ShearToleranceMm + ShearToleranceFraction * medianStep;
        for (int k = 1; k + 1 < sorted.Length; k++)
        {
            double off = Norm(Subtract(InPlane(sorted[k]), Add(first, Scale(shear, k))));
            if (off > tolerance)
            {
                string tag = sorted[k].GantryTilt is { } t ? $" (GantryDetectorTilt {t}°)" : "";
                throw new InvalidInputException(source,
                    $"the slices are sheared as by a tilted gantry{tag}, but not by the same shift from slice to slice: {Describe(sorted[k])} lies {off:F3} mm off the line through the first and last slice; a varying tilt cannot be undone, resample the series first");
            }
        }
        return shear;
    }

    private static string Describe(DicomSliceHeader s) =>
        s.Frame == 0 ? Path.GetFileName(s.Path) : $"{Path.GetFileName(s.Path)} frame {s.Frame}";

    private static bool Close(double a, double b) => Math.Abs(a - b) <= SpacingTolerance * Math.Max(Math.Abs(a), Math.Abs(b));

    private static double Dot(IReadOnlyList<double> a, IReadOnlyList<double> b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

    private static double Norm(double[] a) => Math.Sqrt(Dot(a, a));

    private static double[] Normalize(double[] a)
    {
        double n = Norm(a);
        return [a[0] / n, a[1] / n, a[2] / n];
    }

    private static double[] Cross(double[] a, double[] b) =>
        [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

    private static double[] Subtract(double[] a, double[] b) => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];

    private static double[] Scale(double[] a, double s) => [a[0] * s, a[1] * s, a[2] * s];

    private static double[] Add(double[] a, double[] b) => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}
