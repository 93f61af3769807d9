using NativeSeg.Imaging.Morphology;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Preprocessing;

/// <summary>
/// Per axial slice, the body with everything it encloses: the body component of <see cref="BodyBox"/> (pixels above
/// −500 HU, largest 8-connected component) plus the darker regions it surrounds (lungs, airways, bowel gas), found as
/// the background that cannot reach the slice border through 4-connected background. The lungs lie inside it; the
/// air around the patient, the table and clothing do not — so a lung prediction outside it is always wrong.
/// A slice whose body touches the image border all round (a field of view cutting through the chest) keeps every
/// enclosed region it can; a slice without a body is empty.
/// </summary>
public static class BodyMask
{
    public static Volume<byte> Compute(Volume<float> ct, float thresholdHu = BodyBox.DefaultThresholdHu)
    {
        ArgumentNullException.ThrowIfNull(ct);
        var g = ct.Grid;
        var mask = new Volume<byte>(g);
        Parallel.For(0, g.SizeZ, () => new BodyBox(g.SizeX, g.SizeY, thresholdHu), (z, _, finder) =>
        {
            SliceBody(finder, ct.Slice(z), mask.Slice(z), g.SizeX, g.SizeY);
            return finder;
        }, _ => { });
        return mask;
    }

    /// <summary>
    /// Sets <paramref name="values"/> (same grid as <paramref name="ct"/>: probabilities or a mask) to 0 outside the body, slice by slice, with
    /// no full-size body volume. Values that are already 0 are not written: pages of a fresh volume that nothing wrote
    /// stay untouched (on a VM a first write to a page costs a fault).
    /// </summary>
    public static void ZeroOutside<T>(Volume<float> ct, Volume<T> values, float thresholdHu = BodyBox.DefaultThresholdHu)
        where T : unmanaged, IEquatable<T>
    {
        var g = RequireSameSize(ct, values);
        Parallel.For(0, g.SizeZ, () => (Finder: new BodyBox(g.SizeX, g.SizeY, thresholdHu), Body: new byte[g.SizeX * g.SizeY]), (z, _, scratch) =>
        {
            ZeroOutsideSlice(scratch.Finder, ct, values, z, scratch.Body);
            return scratch;
        }, _ => { });
    }

    /// <summary><see cref="ZeroOutside{T}(Volume{float}, Volume{T}, float)"/> on slice z only.</summary>
    public static void ZeroOutside<T>(Volume<float> ct, Volume<T> values, int z, float thresholdHu = BodyBox.DefaultThresholdHu)
        where T : unmanaged, IEquatable<T>
    {
        var g = RequireSameSize(ct, values);
        ArgumentOutOfRangeException.ThrowIfNegative(z);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(z, g.SizeZ);
        ZeroOutsideSlice(new BodyBox(g.SizeX, g.SizeY, thresholdHu), ct, values, z, new byte[g.SliceLength]);
    }

    private static Grid RequireSameSize<T>(Volume<float> ct, Volume<T> values) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(ct);
        ArgumentNullException.ThrowIfNull(values);
        var g = ct.Grid;
        if (values.Grid.SizeX != g.SizeX || values.Grid.SizeY != g.SizeY || values.Grid.SizeZ != g.SizeZ)
            throw new ArgumentException($"values are {values.Grid.SizeX}×{values.Grid.SizeY}×{values.Grid.SizeZ}, the CT {g.SizeX}×{g.SizeY}×{g.SizeZ}.");
        return g;
    }

    private static void ZeroOutsideSlice<T>(BodyBox finder, Volume<float> ct, Volume<T> values, int z, byte[] body)
        where T : unmanaged, IEquatable<T>
    {
        var g = ct.Grid;
        SliceBody(finder, ct.Slice(z), body, g.SizeX, g.SizeY);
        var slice = values.Slice(z);
        for (int i = 0; i < slice.Length; i++)
            if (body[i] == 0 && !slice[i].Equals(default)) slice[i] = default;
    }

    private static void SliceBody(BodyBox finder, ReadOnlySpan<float> hu, Span<byte> body, int columns, int rows)
    {
        var box = finder.Find(hu, body);
        if (box.HasBody) FillEnclosed(body, columns, rows);
    }

    /// <summary>
    /// The background runs of the slice joined 4-connected; a set that reaches the slice border is outside, every
    /// other background pixel is enclosed and joins the body.
    /// </summary>
    private static void FillEnclosed(Span<byte> body, int columns, int rows)
    {
        var runs = RowRuns.Find(body, columns, rows, 1, foreground: false);
        runs.JoinNeighbours(facesOnly: true);
        var open = new bool[runs.Count];
        for (int row = 0; row < rows; row++)
            for (int r = runs.RowFirst[row]; r < runs.RowFirst[row + 1]; r++)
                if (row == 0 || row == rows - 1 || runs.Start[r] == 0 || runs.End[r] == columns) open[runs.Root(r)] = true;
        for (int row = 0; row < rows; row++)
            for (int r = runs.RowFirst[row]; r < runs.RowFirst[row + 1]; r++)
                if (!open[runs.Root(r)]) body.Slice(row * columns + runs.Start[r], runs.End[r] - runs.Start[r]).Fill(1);
    }
}
