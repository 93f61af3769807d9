using NativeSeg.IO.Dicom;
using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Tests.Dicom;

/// <summary>
/// Writes a volume of real CT as a DICOM series, one file per index-k slice, in whatever orientation the volume's
/// affine has: ImageOrientationPatient from index axes 0 (along a row) and 1 (down a column), ImagePositionPatient
/// from the slice's first voxel, all in LPS. A coronal or sagittal series is a volume whose axis 2 runs
/// anterior–posterior or left–right. <c>extraShiftLps</c> moves slice k by k × that vector on top (a gantry tilt
/// made from an untilted scan: the pixels stay, the positions shear). Linked into the CLI tests.
/// </summary>
internal static class DicomSeriesFromVolume
{
    public static void Write(Volume<float> volume, string folder, string seriesUid = "1.2.826.0.1.3680043.2.1143.7",
        double[]? extraShiftLps = null, double? gantryTilt = null, string? manufacturer = null)
    {
        var g = volume.Grid;
        var lps = g.Affine.ToLps();
        double[] Column(int c) => [lps[0, c], lps[1, c], lps[2, c]];
        double[] Unit(double[] v)
        {
            double n = Math.Sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
            return [v[0] / n, v[1] / n, v[2] / n];
        }
        var row = Unit(Column(0));
        var column = Unit(Column(1));
        double[] orientation = [.. row, .. column];
        double[] spacing = [g.Affine.Spacing(1), g.Affine.Spacing(0)];
        var normal = Cross(row, column);
        double thickness = Math.Abs(normal[0] * lps[0, 2] + normal[1] * lps[1, 2] + normal[2] * lps[2, 2]);
        var pixels = new short[g.SliceLength];
        for (int k = 0; k < g.SizeZ; k++)
        {
            var slice = volume.Slice(k);
            for (int p = 0; p < pixels.Length; p++) pixels[p] = checked((short)Math.Round(slice[p]));
            double[] position = [lps[0, 2] * k + lps[0, 3], lps[1, 2] * k + lps[1, 3], lps[2, 2] * k + lps[2, 3]];
            if (extraShiftLps is not null)
                for (int r = 0; r < 3; r++) position[r] += extraShiftLps[r] * k;
            var file = SyntheticDicom.CtSlice(seriesUid, position, pixels, g.SizeY, g.SizeX, orientation, spacing)
                .Text(DicomTags.SopInstanceUid, "UI", $"{seriesUid}.{k + 1}")
                .Text(new DicomTag(0x0020, 0x0013), "IS", (k + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            file.Decimals(DicomTags.SliceThickness, Math.Round(thickness, 6));
            if (manufacturer is not null) file.Text(new DicomTag(0x0008, 0x0070), "LO", manufacturer);
            if (gantryTilt is { } tilt) file.Decimals(DicomTags.GantryDetectorTilt, tilt);
            File.WriteAllBytes(Path.Combine(folder, $"IM{k:D4}.dcm"), file.ToFile());
        }
    }

    private static double[] Cross(double[] a, double[] b) =>
        [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
