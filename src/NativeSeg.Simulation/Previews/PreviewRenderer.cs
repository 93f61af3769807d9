using NativeSeg.IO.Volumes;
using NativeSeg.Simulation.Lesions;

namespace NativeSeg.Simulation.Previews;

/// <summary>
/// Renders before/after previews for a person to look at: top row axial, bottom row coronal; left column the input,
/// right column the output. Lung window (W 1500, L −600). Contours: lung mask green on both; on the output, ground
/// glass yellow, crazy paving orange, consolidation red. Radiological display whatever the index order: patient
/// right on the image left, anterior (axial) or head (coronal) at the top, decided from the affine; coronal rows are
/// stretched by the slice spacing so anatomy keeps its proportions.
/// </summary>
public static class PreviewRenderer
{
    private const float WindowLow = -1350, WindowHigh = 150;
    private const int Gap = 4;
    private static readonly (byte, byte, byte) LungColour = (0, 220, 0), SecondLungColour = (0, 200, 255), GlassColour = (255, 230, 0),
        PavingColour = (255, 140, 0), ConsolidationColour = (255, 30, 30);

    /// <summary>
    /// Before/after preview. <paramref name="axialSlice"/> and <paramref name="coronalRow"/> (index k and j) default to
    /// the slice and row holding the most lesion voxels, or the most lung voxels without lesions.
    /// </summary>
    public static RgbImage BeforeAfter(Volume<float> before, Volume<float> after, Volume<byte> lungMask, Volume<byte>? lesions,
        int? axialSlice = null, int? coronalRow = null)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(lungMask);
        var g = before.Grid;
        if (!g.SameGeometry(after.Grid) || !g.SameGeometry(lungMask.Grid) || (lesions is not null && !g.SameGeometry(lesions.Grid)))
            throw new ArgumentException("Preview volumes must share one grid.");
        var focus = lesions ?? lungMask;
        int k = axialSlice ?? BusiestSlice(focus, lungMask);
        int j = coronalRow ?? BusiestRow(focus, lungMask);
        if (k < 0 || k >= g.SizeZ) throw new ArgumentOutOfRangeException(nameof(axialSlice), k, $"slice outside 0..{g.SizeZ - 1}");
        if (j < 0 || j >= g.SizeY) throw new ArgumentOutOfRangeException(nameof(coronalRow), j, $"row outside 0..{g.SizeY - 1}");

        var a = g.Affine;
        double stretch = a.Spacing(2) / a.Spacing(1);
        int coronalHeight = Math.Max(1, (int)Math.Round(g.SizeZ * stretch));
        var image = new RgbImage(2 * g.SizeX + Gap, g.SizeY + Gap + coronalHeight);
        var axial = new AxialView(g, k);
        var coronal = new CoronalView(g, j, coronalHeight);
        Draw(image, 0, 0, axial, before, lungMask, null);
        Draw(image, g.SizeX + Gap, 0, axial, after, lungMask, lesions);
        Draw(image, 0, g.SizeY + Gap, coronal, before, lungMask, null);
        Draw(image, g.SizeX + Gap, g.SizeY + Gap, coronal, after, lungMask, lesions);
        return image;
    }

    /// <summary>
    /// One CT with one mask: axial slice on top, coronal row below, mask contour in green (labels 1 and 2 — right and
    /// left lung — in green and cyan). Slice and row default to those with the most mask voxels. Used by segment's preview.
    /// </summary>
    public static RgbImage Single(Volume<float> ct, Volume<byte> mask, int? axialSlice = null, int? coronalRow = null)
    {
        ArgumentNullException.ThrowIfNull(ct);
        ArgumentNullException.ThrowIfNull(mask);
        var g = ct.Grid;
        if (!g.SameGeometry(mask.Grid))
            throw new ArgumentException("Preview volumes must share one grid.");
        int k = axialSlice ?? BusiestSlice(mask, mask);
        int j = coronalRow ?? BusiestRow(mask, mask);
        double stretch = g.Affine.Spacing(2) / g.Affine.Spacing(1);
        int coronalHeight = Math.Max(1, (int)Math.Round(g.SizeZ * stretch));
        var image = new RgbImage(g.SizeX, g.SizeY + Gap + coronalHeight);
        Draw(image, 0, 0, new AxialView(g, k), ct, mask, null);
        Draw(image, 0, g.SizeY + Gap, new CoronalView(g, j, coronalHeight), ct, mask, null);
        return image;
    }

    /// <summary>Maps a panel pixel (column, row) to a voxel index, or −1 outside the volume.</summary>
    private interface IView
    {
        int Width { get; }
        int Height { get; }
        int VoxelAt(int column, int row);
    }

    private static void Draw(RgbImage image, int left, int top, IView view, Volume<float> ct, Volume<byte> lung, Volume<byte>? lesions)
    {
        for (int row = 0; row < view.Height; row++)
            for (int column = 0; column < view.Width; column++)
            {
                int v = view.VoxelAt(column, row);
                float hu = ct.Voxels[v];
                byte grey = (byte)Math.Clamp((hu - WindowLow) / (WindowHigh - WindowLow) * 255 + 0.5, 0, 255);
                var colour = (grey, grey, grey);
                if (lesions is not null && OnContour(view, lesions, column, row, out byte kind))
                    colour = kind switch
                    {
                        LesionLabel.Consolidation => ConsolidationColour,
                        LesionLabel.CrazyPaving => PavingColour,
                        _ => GlassColour,
                    };
                else if (OnContour(view, lung, column, row, out byte lungLabel))
                    colour = lungLabel == 2 ? SecondLungColour : LungColour;
                image.Set(left + column, top + row, colour);
            }
    }

    /// <summary>Inside the mask with a 4-neighbour outside it or with a different label.</summary>
    private static bool OnContour(IView view, Volume<byte> mask, int column, int row, out byte label)
    {
        label = mask.Voxels[view.VoxelAt(column, row)];
        if (label == 0) return false;
        ReadOnlySpan<(int, int)> neighbours = [(1, 0), (-1, 0), (0, 1), (0, -1)];
        foreach (var (dc, dr) in neighbours)
        {
            int c = column + dc, r = row + dr;
            if (c < 0 || r < 0 || c >= view.Width || r >= view.Height) return true;
            if (mask.Voxels[view.VoxelAt(c, r)] != label) return true;
        }
        return false;
    }

    private static int BusiestSlice(Volume<byte> focus, Volume<byte> fallback)
    {
        var g = focus.Grid;
        int best = g.SizeZ / 2;
        long bestCount = 0;
        foreach (var volume in new[] { focus, fallback })
        {
            for (int z = 0; z < g.SizeZ; z++)
            {
                long count = 0;
                foreach (byte b in volume.Slice(z)) if (b != 0) count++;
                if (count > bestCount) { bestCount = count; best = z; }
            }
            if (bestCount > 0) break;
        }
        return best;
    }

    private static int BusiestRow(Volume<byte> focus, Volume<byte> fallback)
    {
        var g = focus.Grid;
        foreach (var volume in new[] { focus, fallback })
        {
            var counts = new long[g.SizeY];
            for (int z = 0; z < g.SizeZ; z++)
                for (int y = 0; y < g.SizeY; y++)
                {
                    int row = g.Index(0, y, z);
                    for (int x = 0; x < g.SizeX; x++) if (volume.Voxels[row + x] != 0) counts[y]++;
                }
            long bestCount = counts.Max();
            if (bestCount > 0) return Array.IndexOf(counts, bestCount);
        }
        return g.SizeY / 2;
    }

    /// <summary>True when increasing index <paramref name="axis"/> moves mainly along −RAS x (to the patient's left) etc.</summary>
    private static bool RunsNegative(Affine a, int axis, int rasRow) => a[rasRow, axis] < 0;

    private sealed class AxialView(Grid grid, int slice) : IView
    {
        // Radiological: image column grows towards the patient's left (−x), image row towards the back (−y).
        private readonly bool _flipColumns = !RunsNegative(grid.Affine, 0, 0);
        private readonly bool _flipRows = !RunsNegative(grid.Affine, 1, 1);
        public int Width => grid.SizeX;
        public int Height => grid.SizeY;

        public int VoxelAt(int column, int row)
        {
            int x = _flipColumns ? grid.SizeX - 1 - column : column;
            int y = _flipRows ? grid.SizeY - 1 - row : row;
            return grid.Index(x, y, slice);
        }
    }

    private sealed class CoronalView(Grid grid, int row, int height) : IView
    {
        private readonly bool _flipColumns = !RunsNegative(grid.Affine, 0, 0);
        // Head at the top: image rows grow towards the feet (−z).
        private readonly bool _flipSlices = !RunsNegative(grid.Affine, 2, 2);
        public int Width => grid.SizeX;
        public int Height => height;

        public int VoxelAt(int column, int imageRow)
        {
            int x = _flipColumns ? grid.SizeX - 1 - column : column;
            int z = Math.Min(grid.SizeZ - 1, (int)((imageRow + 0.5) * grid.SizeZ / height));
            if (_flipSlices) z = grid.SizeZ - 1 - z;
            return grid.Index(x, row, z);
        }
    }
}
