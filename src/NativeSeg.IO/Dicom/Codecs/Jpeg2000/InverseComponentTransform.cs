namespace NativeSeg.IO.Dicom.Codecs.Jpeg2000;

/// <summary>
/// The inverse multiple-component transforms of T.800 Annex G, applied to the first three components of a tile
/// before the DC level shift: the reversible RCT (integer, with the 5/3 wavelet) and the irreversible ICT (YCbCr).
/// </summary>
internal static class InverseComponentTransform
{
    public static void Reversible(Span<int> y0, Span<int> y1, Span<int> y2)
    {
        for (int i = 0; i < y0.Length; i++)
        {
            int g = y0[i] - ((y1[i] + y2[i]) >> 2);
            int r = y2[i] + g, b = y1[i] + g;
            y0[i] = r;
            y1[i] = g;
            y2[i] = b;
        }
    }

    public static void Irreversible(Span<float> y0, Span<float> y1, Span<float> y2)
    {
        for (int i = 0; i < y0.Length; i++)
        {
            float y = y0[i], cb = y1[i], cr = y2[i];
            y0[i] = y + 1.402f * cr;
            y1[i] = y - 0.34413f * cb - 0.71414f * cr;
            y2[i] = y + 1.772f * cb;
        }
    }
}
