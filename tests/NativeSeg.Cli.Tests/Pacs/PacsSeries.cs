using NativeSeg.Tests.Shared;

namespace NativeSeg.Cli.Tests.Pacs;

/// <summary>
/// Small real CT series for the PACS tests, copied from ../shared/data into a test's temporary folder: a few
/// consecutive slices through the middle of the lungs keep each segmentation to seconds on two cores.
/// </summary>
public static class PacsSeries
{
    /// <summary>LCTSC Case_009 (512×512, 3 mm), 4 slices at the lungs' widest (1-059 … 1-062).</summary>
    public static string Case009Slab(string folder) => RealSeries.CopyCase009(folder, 59, 4);

    /// <summary>The Chest Imaging Platform CT (64×64, 4 mm, implicit VR), 4 slices through the lungs (IMG0041 … IMG0044).</summary>
    public static string CipSlab(string folder) =>
        Copy(RepositoryPaths.SharedData("cip", "ct-64_dicom"), folder, [.. Enumerable.Range(41, 4).Select(n => $"IMG{n:D4}.dcm")]);

    /// <summary>
    /// A CT series Orthanc stores but NativeSeg must refuse: the two GE chest slices of ../shared/data/dicom, the
    /// second one's Rows changed from 512 to 256 (its pixel data still holds 512 rows).
    /// </summary>
    public static string CorruptSeries(string folder)
    {
        string series = RealSeries.CopyGeSlices(folder);
        string victim = Path.Combine(series, "slice002.dcm");
        byte[] bytes = File.ReadAllBytes(victim);
        // Explicit VR little endian: (0028,0010) "US" length 2, value 512.
        byte[] rows = [0x28, 0x00, 0x10, 0x00, (byte)'U', (byte)'S', 0x02, 0x00, 0x00, 0x02];
        int at = bytes.AsSpan().IndexOf(rows);
        Assert.That(at, Is.GreaterThan(0), "Rows element found");
        bytes[at + 9] = 0x01;
        File.WriteAllBytes(victim, bytes);
        return series;
    }

    private static string Copy(string source, string folder, params string[] names)
    {
        Directory.CreateDirectory(folder);
        foreach (string name in names)
            File.Copy(Path.Combine(source, name), Path.Combine(folder, name));
        return folder;
    }
}
