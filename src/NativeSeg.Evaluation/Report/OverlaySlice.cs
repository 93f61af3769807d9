using NativeSeg.IO.Volumes;

namespace NativeSeg.Evaluation.Report;

/// <summary>
/// One axial slice kept for a figure: CT, reference and predicted lung (non-zero = lung), already in display
/// orientation (radiological: patient right on the image's left, anterior at the top), rows top first.
/// </summary>
public sealed class OverlaySlice
{
    public OverlaySlice(int width, int height, int sliceIndex, float[] hu, byte[] reference, byte[] prediction)
    {
        if (hu.Length != width * height || reference.Length != hu.Length || prediction.Length != hu.Length)
            throw new ArgumentException($"Overlay slice {width}×{height}: arrays of {hu.Length}, {reference.Length}, {prediction.Length} values.");
        Width = width;
        Height = height;
        SliceIndex = sliceIndex;
        Hu = hu;
        Reference = reference;
        Prediction = prediction;
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Index k of the slice in the volume.</summary>
    public int SliceIndex { get; }

    public float[] Hu { get; }
    public byte[] Reference { get; }
    public byte[] Prediction { get; }

    /// <summary>
    /// The slice with the largest reference lung area (the prediction's when the reference is empty), turned to display
    /// orientation using the signs of the affine's diagonal: columns run to the patient's left (−x in RAS), rows to
    /// posterior (−y). Oblique affines are shown by their dominant diagonal.
    /// </summary>
    public static OverlaySlice FromVolumes(Volume<float> ct, Volume<byte> reference, Volume<byte> prediction)
    {
        Grid grid = ct.Grid;
        int best = LargestSlice(reference);
        if (Count(reference.Slice(best)) == 0)
            best = LargestSlice(prediction);
        bool flipColumns = grid.Affine[0, 0] > 0; // i runs to the patient's right: mirror so the right is on the left
        bool flipRows = grid.Affine[1, 1] > 0;    // j runs anterior: mirror so anterior is at the top
        int w = grid.SizeX, h = grid.SizeY;
        var hu = new float[w * h];
        var r = new byte[w * h];
        var p = new byte[w * h];
        Span<float> ctSlice = ct.Slice(best);
        Span<byte> rSlice = reference.Slice(best), pSlice = prediction.Slice(best);
        for (int y = 0; y < h; y++)
        {
            int sourceY = flipRows ? h - 1 - y : y;
            for (int x = 0; x < w; x++)
            {
                int sourceX = flipColumns ? w - 1 - x : x;
                int source = sourceY * w + sourceX, target = y * w + x;
                hu[target] = ctSlice[source];
                r[target] = (byte)(rSlice[source] != 0 ? 1 : 0);
                p[target] = (byte)(pSlice[source] != 0 ? 1 : 0);
            }
        }
        return new OverlaySlice(w, h, best, hu, r, p);
    }

    private static int LargestSlice(Volume<byte> mask)
    {
        int best = 0;
        long bestArea = -1;
        for (int z = 0; z < mask.Grid.SizeZ; z++)
        {
            long area = Count(mask.Slice(z));
            if (area > bestArea) { bestArea = area; best = z; }
        }
        return best;
    }

    private static long Count(Span<byte> mask)
    {
        long count = 0;
        foreach (byte b in mask) if (b != 0) count++;
        return count;
    }
}
