using NativeSeg.IO.Dicom;

namespace NativeSeg.IO.Tests.Dicom.Codecs.Jpeg2000;

/// <summary>
/// Real CT slices as raw samples for opj_compress: a Case_009 slice through both lungs (12-bit unsigned stored
/// values) and the GE slice dicom/slice001.dcm (16-bit signed, padding −2000 outside the field of view).
/// </summary>
internal static class OpenJpegEncodedSlices
{
    private static readonly Lazy<int[]> Case009 = new(() => Stored(Directory.GetFiles(DicomTestData.Case009Folder).Order().ElementAt(60)));
    private static readonly Lazy<int[]> GeSlice = new(() => Stored(DicomTestData.Data("dicom", "slice001.dcm")));

    public const int Size = 512;

    /// <summary>The 12-bit unsigned Case_009 slice.</summary>
    public static int[] Unsigned12 => Case009.Value;

    /// <summary>The 16-bit signed GE slice.</summary>
    public static int[] Signed16 => GeSlice.Value;

    private static int[] Stored(string path) => DicomPixelDecoder.DecodeStoredValues(DicomFile.Open(path));

    /// <summary>The Case_009 slice mapped into <paramref name="precision"/> bits, signed or not: every sample distinct range, real texture.</summary>
    public static int[] InPrecision(int precision, bool signed)
    {
        var source = Unsigned12;
        var result = new int[source.Length];
        int shift = precision - 12;
        int offset = signed ? 1 << (precision - 1) : 0;
        for (int i = 0; i < source.Length; i++)
        {
            int v = shift >= 0 ? source[i] << shift | (source[i] & ((1 << shift) - 1)) : source[i] >> -shift;
            result[i] = v - offset;
        }
        return result;
    }

    /// <summary>A crop (odd sizes, off the origin) for sweeps that run many encodes.</summary>
    public static int[] Crop(int[] samples, int x0, int y0, int width, int height)
    {
        var crop = new int[width * height];
        for (int y = 0; y < height; y++)
            samples.AsSpan((y0 + y) * Size + x0, width).CopyTo(crop.AsSpan(y * width));
        return crop;
    }
}
