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
        ArgumentNullException.ThrowIfNull(ct);
        RequireSameSize(ct.Grid, values);
        Parallel.For(0, ct.Grid.SizeZ, () => new SliceZeroer(ct, thresholdHu), (z, _, mine) =>
        {
            mine.ZeroOutside(values, z);
            return mine;
        }, _ => { });
    }

    /// <summary>
    /// <see cref="ZeroOutside{T}(Volume{float}, Volume{T}, float)"/> one slice at a time, for a caller that has each
    /// slice's values only as it goes: its finder and body buffers (two slices' worth) are made once, not per slice.
    /// Not thread-safe: one per thread.
    /// </summary>
    public sealed class SliceZeroer(Volume<float> ct, float thresholdHu = BodyBox.DefaultThresholdHu)
    {
        private readonly Volume<float> _ct = ct ?? throw new ArgumentNullException(nameof(ct));
        private readonly BodyBox _finder = new(ct.Grid.SizeX, ct.Grid.SizeY, thresholdHu);
        private readonly byte[] _body = new byte[ct.Grid.SliceLength];

        /// <summary>Zeroes slice z of <paramref name="values"/> (the CT's size) outside the body.</summary>
        public void ZeroOutside<T>(Volume<T> values, int z) where T : unmanaged, IEquatable<T>
        {
            var g = _ct.Grid;
            RequireSameSize(g, values);
            ArgumentOutOfRangeException.ThrowIfNegative(z);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(z, g.SizeZ);
            SliceBody(_finder, _ct.Slice(z), _body, g.SizeX, g.SizeY);
            var slice = values.Slice(z);
            for (int i = 0; i < slice.Length; i++)
                if (_body[i] == 0 && !slice[i].Equals(default)) slice[i] = default;
        }
    }

    private static void RequireSameSize<T>(Grid g, Volume<T> values) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Grid.SizeX != g.SizeX || values.Grid.SizeY != g.SizeY || values.Grid.SizeZ != g.SizeZ)
            throw new ArgumentException($"values are {values.Grid.SizeX}×{values.Grid.SizeY}×{values.Grid.SizeZ}, the CT {g.SizeX}×{g.SizeY}×{g.SizeZ}.");
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
