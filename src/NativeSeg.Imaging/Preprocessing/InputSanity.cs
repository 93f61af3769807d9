using NativeSeg.Imaging.Geometry;
using NativeSeg.IO;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Preprocessing;

/// <summary>What <see cref="InputSanity"/> found: an empty list means the input looks like an axial chest CT in HU.</summary>
public sealed record SanityReport(IReadOnlyList<string> Problems)
{
    public bool IsOk => Problems.Count == 0;

    public string Message => IsOk ? "input looks like an axial CT in Hounsfield units" : string.Join(" ", Problems);
}

/// <summary>
/// Detects the inputs that make lung segmenters return empty masks (lungmask's most reported failure):
/// values not in Hounsfield units, non-axial slices, and anterior/posterior flipped images, so the CLI can
/// say why instead of writing an empty mask.
/// </summary>
public static class InputSanity
{
    /// <summary>Bone (HU above this) outlines the spine and posterior ribs.</summary>
    public const float BoneHu = 200;

    public static SanityReport CheckCt(Volume<float> ct)
    {
        ArgumentNullException.ThrowIfNull(ct);
        var problems = new List<string>();
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        long nonFinite = 0, air = 0;
        foreach (float v in ct.Voxels)
        {
            if (!float.IsFinite(v)) { nonFinite++; continue; }
            if (v < min) min = v;
            if (v > max) max = v;
            if (v < -500) air++;
        }
        if (nonFinite > 0)
            problems.Add($"{nonFinite} voxels are NaN or infinite.");
        if (air == 0)
            problems.Add(min >= 0
                ? $"No voxel is below −500 HU (values {min:G6}..{max:G6}): this looks like raw stored values without the rescale slope/intercept, not Hounsfield units; air and lung must be near −1000 HU."
                : $"No voxel is below −500 HU (values {min:G6}..{max:G6}): the input has no air or lung, or is not in Hounsfield units.");
        else if (min < -10000 || max > 100000)
            problems.Add($"Values {min:G6}..{max:G6} are outside any Hounsfield range; is the intensity scaling right?");

        SliceOrientation? orientation = null;
        try { orientation = SliceOrientation.FromGrid(ct.Grid); }
        catch (InvalidInputException e) { problems.Add(e.Reason); }

        if (orientation is not null && air > 0)
        {
            double bonePosition = BoneAnteriorPosteriorPosition(ct, orientation);
            if (bonePosition < 0.45)
                problems.Add($"Bone lies mostly in the anterior half of the body (relative position {bonePosition:F2}, expected above 0.5 for the spine): the image looks upside down (anterior and posterior swapped); check the orientation in the file header.");
        }
        return new SanityReport(problems);
    }

    /// <summary>
    /// For a lung mask computed from <paramref name="ct"/>: an empty mask gets a message with the likely
    /// cause (a CT problem when there is one).
    /// </summary>
    public static SanityReport CheckMask(Volume<byte> lungMask, Volume<float> ct)
    {
        ArgumentNullException.ThrowIfNull(lungMask);
        ArgumentNullException.ThrowIfNull(ct);
        if (lungMask.Voxels.AsSpan().ContainsAnyExcept((byte)0)) return new SanityReport([]);
        var ctReport = CheckCt(ct);
        var problems = new List<string> { "The lung mask is empty." };
        problems.AddRange(ctReport.IsOk ? ["The CT passed the input checks; it may not contain the lungs (field of view) or be too unusual for the model."] : ctReport.Problems);
        return new SanityReport(problems);
    }

    /// <summary>
    /// Mean anterior–posterior position of bone inside each slice's body box (0 = anterior edge, 1 = posterior
    /// edge), over the middle half of the slices, in the canonical display. The vertebral column and the posterior
    /// ribs put it clearly behind the middle in a correctly oriented chest CT.
    /// </summary>
    public static double BoneAnteriorPosteriorPosition(Volume<float> ct, SliceOrientation orientation)
    {
        int columns = orientation.Columns, rows = orientation.Rows;
        int[] offsets = orientation.DisplayToSliceOffsets();
        var display = new float[columns * rows];
        var body = new BodyBox(columns, rows);
        double sum = 0;
        long count = 0;
        int slices = orientation.Slices;
        for (int n = slices / 4; n < Math.Max(slices / 4 + 1, 3 * slices / 4); n++)
        {
            var slice = ct.Slice(orientation.VolumeSlice(n));
            for (int p = 0; p < offsets.Length; p++) display[p] = slice[offsets[p]];
            var box = body.Find(display);
            if (!box.HasBody || box.Height < 2) continue;
            for (int r = box.Top; r <= box.Bottom; r++)
            {
                double position = (r - box.Top) / (double)(box.Height - 1);
                for (int c = box.Left; c <= box.Right; c++)
                    if (display[c + columns * r] > BoneHu) { sum += position; count++; }
            }
        }
        return count == 0 ? 0.5 : sum / count;
    }
}
