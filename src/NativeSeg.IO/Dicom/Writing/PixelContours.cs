namespace NativeSeg.IO.Dicom.Writing;

/// <summary>
/// The outlines of the set pixels of one slice as closed polygons along pixel edges, vertices at pixel corners:
/// corner (c, r) is the top-left corner of pixel (column c, row r), so pixel (x, y)'s centre is (x + ½, y + ½). Every
/// edge between a set pixel and an unset one (or the border) is used exactly once, so filling the polygons by the
/// even-odd rule — how RT Structure Set readers treat nested contours (holes) on one slice — gives back exactly the
/// set pixels: no pixel centre lies on an edge. Straight runs keep only their end points.
/// </summary>
internal static class PixelContours
{
    public static List<(int Column, int Row)[]> Trace(bool[] pixels, int width, int height)
    {
        // Directed edges, clockwise around each set pixel on screen (rows downwards), keyed by their start corner.
        // Corner index = r * (width + 1) + c.
        int stride = width + 1;
        var outgoing = new Dictionary<int, List<int>>();
        void Edge(int fromC, int fromR, int toC, int toR)
        {
            int from = fromR * stride + fromC;
            if (!outgoing.TryGetValue(from, out var list)) outgoing[from] = list = new List<int>(1);
            list.Add(toR * stride + toC);
        }
        bool Set(int x, int y) => x >= 0 && y >= 0 && x < width && y < height && pixels[y * width + x];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                if (!pixels[y * width + x]) continue;
                if (!Set(x, y - 1)) Edge(x, y, x + 1, y);             // top, rightwards
                if (!Set(x + 1, y)) Edge(x + 1, y, x + 1, y + 1);     // right, downwards
                if (!Set(x, y + 1)) Edge(x + 1, y + 1, x, y + 1);     // bottom, leftwards
                if (!Set(x - 1, y)) Edge(x, y + 1, x, y);             // left, upwards
            }

        var loops = new List<(int, int)[]>();
        foreach (int start in outgoing.Keys.Order().ToList())
        {
            while (outgoing.TryGetValue(start, out var first) && first.Count > 0)
            {
                var corners = new List<int> { start };
                int at = start;
                while (true)
                {
                    // Every corner has as many edges in as out, so a walk can only end where it began.
                    var next = outgoing[at];
                    int to = next[^1];
                    next.RemoveAt(next.Count - 1);
                    at = to;
                    if (at == start) break;
                    corners.Add(at);
                }
                loops.Add(Simplify(corners, stride));
            }
        }
        return loops;
    }

    /// <summary>Drops corners in the middle of a straight run (the polygon stays closed: the last corner joins the first).</summary>
    private static (int, int)[] Simplify(List<int> corners, int stride)
    {
        var points = corners.Select(c => (c % stride, c / stride)).ToList();
        var kept = new List<(int, int)>(points.Count);
        for (int i = 0; i < points.Count; i++)
        {
            var previous = points[(i + points.Count - 1) % points.Count];
            var here = points[i];
            var next = points[(i + 1) % points.Count];
            bool straight = (here.Item1 - previous.Item1) * (next.Item2 - here.Item2) == (here.Item2 - previous.Item2) * (next.Item1 - here.Item1);
            if (!straight) kept.Add(here);
        }
        return [.. kept];
    }
}
