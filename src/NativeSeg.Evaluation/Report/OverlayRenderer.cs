namespace NativeSeg.Evaluation.Report;

/// <summary>
/// Draws an <see cref="OverlaySlice"/> as the paper's figures 2 and 3: the CT in a lung window, the reference contour
/// in green, the predicted contour in red, yellow where both contours run through the same pixel. The image is cropped
/// to the lungs (plus a margin) and enlarged by an integer factor with nearest-neighbour sampling, and contours are
/// traced at the enlarged size so they stay one pixel wide.
/// </summary>
public static class OverlayRenderer
{
    public const float WindowLevelHu = -600f;
    public const float WindowWidthHu = 1500f;

    /// <summary>Returns width, height and RGB bytes (rows top first).</summary>
    public static (int Width, int Height, byte[] Rgb) Render(OverlaySlice slice, int targetSize = 640, int margin = 16)
    {
        ArgumentNullException.ThrowIfNull(slice);
        (int x0, int y0, int x1, int y1) = LungBox(slice, margin);
        int cropW = x1 - x0 + 1, cropH = y1 - y0 + 1;
        int scale = Math.Clamp((int)Math.Round((double)targetSize / Math.Max(cropW, cropH)), 1, 4);
        int w = cropW * scale, h = cropH * scale;
        var reference = new bool[w * h];
        var prediction = new bool[w * h];
        var rgb = new byte[w * h * 3];
        float low = WindowLevelHu - WindowWidthHu / 2;
        for (int y = 0; y < h; y++)
        {
            int sy = y0 + y / scale;
            for (int x = 0; x < w; x++)
            {
                int source = sy * slice.Width + x0 + x / scale;
                int target = y * w + x;
                reference[target] = slice.Reference[source] != 0;
                prediction[target] = slice.Prediction[source] != 0;
                byte grey = (byte)Math.Clamp((slice.Hu[source] - low) / WindowWidthHu * 255f + 0.5f, 0f, 255f);
                rgb[3 * target] = rgb[3 * target + 1] = rgb[3 * target + 2] = grey;
            }
        }
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                bool onReference = IsContour(reference, w, h, x, y);
                bool onPrediction = IsContour(prediction, w, h, x, y);
                if (!onReference && !onPrediction)
                    continue;
                int t = 3 * (y * w + x);
                (rgb[t], rgb[t + 1], rgb[t + 2]) = (onReference, onPrediction) switch
                {
                    (true, true) => ((byte)255, (byte)230, (byte)0),
                    (true, false) => ((byte)0, (byte)220, (byte)60),
                    _ => ((byte)255, (byte)40, (byte)40),
                };
            }
        }
        return (w, h, rgb);
    }

    /// <summary>A mask pixel with a 4-neighbour outside the mask (or on the image border).</summary>
    private static bool IsContour(bool[] mask, int w, int h, int x, int y)
    {
        if (!mask[y * w + x])
            return false;
        return x == 0 || y == 0 || x == w - 1 || y == h - 1
            || !mask[y * w + x - 1] || !mask[y * w + x + 1] || !mask[(y - 1) * w + x] || !mask[(y + 1) * w + x];
    }

    private static (int X0, int Y0, int X1, int Y1) LungBox(OverlaySlice slice, int margin)
    {
        int x0 = int.MaxValue, y0 = int.MaxValue, x1 = -1, y1 = -1;
        for (int y = 0; y < slice.Height; y++)
            for (int x = 0; x < slice.Width; x++)
            {
                int i = y * slice.Width + x;
                if (slice.Reference[i] == 0 && slice.Prediction[i] == 0) continue;
                x0 = Math.Min(x0, x); x1 = Math.Max(x1, x);
                y0 = Math.Min(y0, y); y1 = Math.Max(y1, y);
            }
        if (x1 < 0)
            return (0, 0, slice.Width - 1, slice.Height - 1);
        return (Math.Max(0, x0 - margin), Math.Max(0, y0 - margin), Math.Min(slice.Width - 1, x1 + margin), Math.Min(slice.Height - 1, y1 + margin));
    }
}
