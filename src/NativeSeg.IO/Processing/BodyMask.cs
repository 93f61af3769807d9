using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Processing;

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
        Parallel.For(0, g.SizeZ, () => (Finder: new BodyBox(g.SizeX, g.SizeY, thresholdHu), Queue: new int[g.SliceLength]), (z, _, scratch) =>
        {
            var body = mask.Slice(z);
            var box = scratch.Finder.Find(ct.Slice(z), body);
            if (box.HasBody) FillEnclosed(body, g.SizeX, g.SizeY, scratch.Queue);
            return scratch;
        }, _ => { });
        return mask;
    }

    /// <summary>
    /// Marks background reachable from the border (4-connected) as 2, then turns every other pixel into body (1):
    /// what the body encloses joins it.
    /// </summary>
    private static void FillEnclosed(Span<byte> body, int columns, int rows, int[] queue)
    {
        int head = 0, tail = 0;
        for (int c = 0; c < columns; c++)
        {
            Seed(body, queue, ref tail, c);
            Seed(body, queue, ref tail, (rows - 1) * columns + c);
        }
        for (int r = 0; r < rows; r++)
        {
            Seed(body, queue, ref tail, r * columns);
            Seed(body, queue, ref tail, r * columns + columns - 1);
        }
        while (head < tail)
        {
            int p = queue[head++];
            int c = p % columns, r = p / columns;
            if (c > 0) Seed(body, queue, ref tail, p - 1);
            if (c < columns - 1) Seed(body, queue, ref tail, p + 1);
            if (r > 0) Seed(body, queue, ref tail, p - columns);
            if (r < rows - 1) Seed(body, queue, ref tail, p + columns);
        }
        for (int i = 0; i < body.Length; i++) body[i] = body[i] == Outside ? (byte)0 : (byte)1;
    }

    private const byte Outside = 2;

    private static void Seed(Span<byte> body, int[] queue, ref int tail, int p)
    {
        if (body[p] != 0) return;
        body[p] = Outside;
        queue[tail++] = p;
    }
}
