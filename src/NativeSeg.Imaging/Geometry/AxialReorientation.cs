using System.Globalization;
using NativeSeg.IO;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Geometry;

/// <summary>
/// The lossless reorientation of a volume stored in any axis order (sagittal-first, coronal-first, axial with any
/// axes reversed: the 48 permutations and flips of the index axes) to NativeSeg's one axial order, and back:
/// index axis 0 runs towards the patient's left (RAS −x), axis 1 towards posterior (−y), axis 2 towards superior
/// (+z) — the order of an axial DICOM series, which therefore needs nothing. Only voxels move (a permutation and
/// reversal of the index axes, no interpolation); the axial grid's affine is the input's with its columns permuted
/// and negated and its origin moved to the new first voxel, so every voxel keeps its patient position exactly.
/// Segmenting every input in one order also makes the mask independent of how the file happens to store the voxels.
/// <para>
/// Each index axis is matched to the patient axis it points along most. Axes further than
/// <see cref="MaxObliqueDegrees"/> from every patient axis (an oblique reformat), or two index axes that point
/// along the same patient axis, are refused with the angle: their nearest axial order is not a fair description of
/// the slices. The limit admits an axial acquisition whose orientation records a gantry tilt (scanners tilt up to
/// 30°), as NativeSeg always has.
/// </para>
/// </summary>
public sealed class AxialReorientation
{
    /// <summary>The largest angle between an index axis and its nearest patient axis that is still reoriented.</summary>
    public const double MaxObliqueDegrees = 30;

    private static readonly string[] PatientAxisNames = ["left–right", "anterior–posterior", "superior–inferior"];

    // For axial axis a: the input index axis it reads and whether it runs the other way.
    private readonly int[] _sourceAxis;
    private readonly bool[] _reversed;

    private AxialReorientation(Grid original, Grid axial, int[] sourceAxis, bool[] reversed, double obliqueDegrees)
    {
        Original = original;
        Axial = axial;
        _sourceAxis = sourceAxis;
        _reversed = reversed;
        ObliqueDegrees = obliqueDegrees;
    }

    /// <summary>The input's grid: <see cref="FromAxial{T}"/> returns volumes on exactly this grid (the same object).</summary>
    public Grid Original { get; }

    /// <summary>The axial grid: the same voxels, axis 0 → left, 1 → posterior, 2 → superior.</summary>
    public Grid Axial { get; }

    /// <summary>The largest angle between an index axis and the patient axis it was matched to (0 for a straight grid).</summary>
    public double ObliqueDegrees { get; }

    /// <summary>True when the input already is in the axial order: nothing moves, the volumes are passed through.</summary>
    public bool IsIdentity => _sourceAxis is [0, 1, 2] && !_reversed.Contains(true);

    /// <summary>The input index axis (0, 1, 2) that axial axis <paramref name="axialAxis"/> reads.</summary>
    public int SourceAxis(int axialAxis) => _sourceAxis[axialAxis];

    /// <summary>True when axial axis <paramref name="axialAxis"/> reads its input axis from the last index down.</summary>
    public bool IsReversed(int axialAxis) => _reversed[axialAxis];

    /// <summary>
    /// Works out the reorientation of <paramref name="grid"/>. An oblique grid is an <see cref="InvalidInputException"/>
    /// naming <paramref name="source"/>, the axis and its angle.
    /// </summary>
    public static AxialReorientation For(Grid grid, string source = "volume")
    {
        ArgumentNullException.ThrowIfNull(grid);
        var a = grid.Affine;
        var sourceAxis = new int[] { -1, -1, -1 };
        var reversed = new bool[3];
        double worst = 0;
        for (int c = 0; c < 3; c++)
        {
            double length = a.Spacing(c);
            int patientAxis = 0;
            for (int r = 1; r < 3; r++)
                if (Math.Abs(a[r, c]) > Math.Abs(a[patientAxis, c])) patientAxis = r;
            double cosine = length > 0 ? Math.Abs(a[patientAxis, c]) / length : 0;
            double degrees = Math.Acos(Math.Min(1, cosine)) * 180 / Math.PI;
            if (!(degrees <= MaxObliqueDegrees))
                throw new InvalidInputException(source, string.Create(CultureInfo.InvariantCulture,
                    $"the voxel axes are oblique: index axis {c} points along ({a[0, c]:G4}, {a[1, c]:G4}, {a[2, c]:G4}) mm (RAS), {degrees:F1}° from the nearest patient axis ({PatientAxisNames[patientAxis]}); NativeSeg reorients axes within {MaxObliqueDegrees:F0}° of the patient axes: resample to an axial grid first."));
            if (sourceAxis[patientAxis] >= 0)
                throw new InvalidInputException(source,
                    $"index axes {sourceAxis[patientAxis]} and {c} both point mainly along the {PatientAxisNames[patientAxis]} axis, so the slices have no axial order; resample to an axial grid first.");
            sourceAxis[patientAxis] = c;
            // Axial axes 0 and 1 run towards −x and −y (left, posterior), axis 2 towards +z (superior).
            reversed[patientAxis] = patientAxis < 2 ? a[patientAxis, c] > 0 : a[patientAxis, c] < 0;
            worst = Math.Max(worst, degrees);
        }

        int[] inputSizes = [grid.SizeX, grid.SizeY, grid.SizeZ];
        var m = new double[3, 4];
        for (int r = 0; r < 3; r++)
        {
            double origin = a[r, 3];
            for (int axis = 0; axis < 3; axis++)
            {
                int c = sourceAxis[axis];
                m[r, axis] = reversed[axis] ? -a[r, c] : a[r, c];
                if (reversed[axis]) origin += a[r, c] * (inputSizes[c] - 1);
            }
            m[r, 3] = origin;
        }
        var axial = sourceAxis is [0, 1, 2] && !reversed.Contains(true)
            ? grid
            : new Grid(inputSizes[sourceAxis[0]], inputSizes[sourceAxis[1]], inputSizes[sourceAxis[2]], new Affine(m));
        return new AxialReorientation(grid, axial, sourceAxis, reversed, worst);
    }

    /// <summary>The volume in the axial order (the same object when <see cref="IsIdentity"/>).</summary>
    public Volume<T> ToAxial<T>(Volume<T> volume) where T : unmanaged
    {
        RequireGrid(volume, Original, nameof(volume));
        if (IsIdentity) return volume;
        var result = new Volume<T>(Axial);
        var (first, step) = InputSteps();
        T[] from = volume.Voxels, to = result.Voxels;
        int nx = Axial.SizeX, ny = Axial.SizeY;
        Parallel.For(0, Axial.SizeZ, z =>
        {
            for (int y = 0; y < ny; y++)
            {
                int input = first + z * step[2] + y * step[1], axialRow = nx * (y + ny * z);
                for (int x = 0; x < nx; x++, input += step[0]) to[axialRow + x] = from[input];
            }
        });
        return result;
    }

    /// <summary>An axial-order volume (a mask, probabilities) put back into the input's order, on exactly its grid.</summary>
    public Volume<T> FromAxial<T>(Volume<T> axial) where T : unmanaged
    {
        RequireGrid(axial, Axial, nameof(axial));
        if (IsIdentity) return axial;
        var result = new Volume<T>(Original);
        var (first, step) = InputSteps();
        T[] from = axial.Voxels, to = result.Voxels;
        int nx = Axial.SizeX, ny = Axial.SizeY;
        Parallel.For(0, Axial.SizeZ, z =>
        {
            for (int y = 0; y < ny; y++)
            {
                int input = first + z * step[2] + y * step[1], axialRow = nx * (y + ny * z);
                for (int x = 0; x < nx; x++, input += step[0]) to[input] = from[axialRow + x];
            }
        });
        return result;
    }

    public override string ToString()
    {
        if (IsIdentity) return "axial order already (nothing moves)";
        string[] names = ["left", "posterior", "superior"];
        return string.Join(", ", Enumerable.Range(0, 3).Select(axis =>
            $"axis {axis} ({names[axis]}) = input axis {_sourceAxis[axis]}{(_reversed[axis] ? " reversed" : "")}"));
    }

    /// <summary>
    /// The input linear index of axial voxel (x, y, z) is first + x·step[0] + y·step[1] + z·step[2]: step[a] is ± the
    /// input stride of the axis that axial axis a reads (− when reversed), and first is where the reversed axes start.
    /// </summary>
    private (int First, int[] Step) InputSteps()
    {
        var g = Original;
        int[] sizes = [g.SizeX, g.SizeY, g.SizeZ];
        int[] strides = [1, g.SizeX, g.SizeX * g.SizeY];
        var step = new int[3];
        int first = 0;
        for (int axis = 0; axis < 3; axis++)
        {
            int c = _sourceAxis[axis];
            step[axis] = _reversed[axis] ? -strides[c] : strides[c];
            if (_reversed[axis]) first += (sizes[c] - 1) * strides[c];
        }
        return (first, step);
    }

    private static void RequireGrid<T>(Volume<T> volume, Grid grid, string name) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(volume, name);
        if (!volume.Grid.SameGeometry(grid, 1e-3))
            throw new ArgumentException($"the volume's grid {volume.Grid} is not the reorientation's {grid}.", name);
    }
}
