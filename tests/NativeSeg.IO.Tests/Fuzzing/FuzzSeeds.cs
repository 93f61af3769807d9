using NativeSeg.IO.Nifti;
using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Tests.Fuzzing;

/// <summary>
/// The valid files mutants start from: small real DICOM slices (several transfer syntaxes and codecs — RLE, JPEG
/// Lossless, lossy JPEG baseline and extended, JPEG-LS lossless and near-lossless — a real
/// scanner header) and NIfTI files cropped in code from a real CT (int16 with scaling, float32 gzipped) plus the
/// committed NIfTI-2 and big-endian fixtures, and the same crop as NRRD (raw and gzip).
/// </summary>
public static class FuzzSeeds
{
    /// <param name="repositoryRoot">The folder holding NativeSeg.sln.</param>
    /// <param name="sharedData">The shared real data folder (../shared/data).</param>
    /// <param name="scratch">A folder for the cropped NIfTI files made here.</param>
    public static IReadOnlyList<FuzzSeed> Load(string repositoryRoot, string sharedData, string scratch)
    {
        string dicomFixtures = Path.Combine(repositoryRoot, "tests", "NativeSeg.IO.Tests", "Fixtures", "Dicom");
        string niftiFixtures = Path.Combine(repositoryRoot, "tests", "NativeSeg.IO.Tests", "Fixtures", "Nifti");
        var seeds = new List<FuzzSeed>();
        void Dicom(string path) => seeds.Add(new FuzzSeed(Path.GetFileName(path), File.ReadAllBytes(path), FuzzFormat.Dicom));
        Dicom(Path.Combine(sharedData, "dicom", "codecs", "pydicom_CT_small.dcm"));
        Dicom(Path.Combine(sharedData, "cip", "ct-64_dicom", "IMG0001.dcm"));
        foreach (var name in (string[])["ct_small_implicit_le.dcm", "ct_small_explicit_be.dcm", "ct_small_deflated.dcm", "ct_small_rle.dcm", "ct_small_jpll_sv1_pt2.dcm",
                     "ct_small_jpeg_baseline.dcm", "ct_small_jpeg_extended.dcm", "ct_small_jpegls.dcm", "ct_small_jpegls_near.dcm",
                     "ct_small_j2k.dcm", "ct_small_j2k_rich.dcm"])
            Dicom(Path.Combine(dicomFixtures, name));

        Directory.CreateDirectory(scratch);
        var ct = NiftiReader.ReadFloat(Path.Combine(sharedData, "cip", "ct-64.nii.gz"), out var header);
        var crop = Crop(ct, 24, 24, 4);
        string int16Path = Path.Combine(scratch, "crop_int16.nii"), floatPath = Path.Combine(scratch, "crop_float32.nii");
        var stored = Array.ConvertAll(crop.Voxels, v => (short)Math.Clamp(Math.Round((v + 1024) / 0.5), short.MinValue, short.MaxValue));
        NiftiWriter.Write(int16Path, new Volume<short>(crop.Grid, stored), 0.5, -1024, header);
        NiftiWriter.Write(floatPath, crop, header);
        seeds.Add(new FuzzSeed("crop_int16.nii", File.ReadAllBytes(int16Path), FuzzFormat.Nifti));
        seeds.Add(new FuzzSeed("crop_float32.nii.gz", File.ReadAllBytes(floatPath), FuzzFormat.NiftiGz));
        seeds.Add(new FuzzSeed("small_nifti2_int16.nii", File.ReadAllBytes(Path.Combine(niftiFixtures, "small_nifti2_int16.nii")), FuzzFormat.Nifti));
        seeds.Add(new FuzzSeed("small_nifti1_be_float32.nii.gz", Gunzip(Path.Combine(niftiFixtures, "small_nifti1_be_float32.nii.gz")), FuzzFormat.NiftiGz));
        seeds.Add(new FuzzSeed("crop_raw.nrrd", Nrrd(crop, gzip: false), FuzzFormat.Nrrd));
        seeds.Add(new FuzzSeed("crop_gzip.nrrd", Nrrd(crop, gzip: true), FuzzFormat.Nrrd));
        return seeds;
    }

    /// <summary>The central sx×sy×sz block, with the affine's origin moved to its first voxel.</summary>
    private static Volume<float> Crop(Volume<float> ct, int sx, int sy, int sz)
    {
        var g = ct.Grid;
        int x0 = (g.SizeX - sx) / 2, y0 = (g.SizeY - sy) / 2, z0 = (g.SizeZ - sz) / 2;
        var (ox, oy, oz) = g.Affine.Apply(x0, y0, z0);
        var m = new double[3, 4];
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++) m[r, c] = g.Affine[r, c];
        m[0, 3] = ox; m[1, 3] = oy; m[2, 3] = oz;
        var cropped = new Volume<float>(new Grid(sx, sy, sz, new Affine(m)));
        for (int z = 0; z < sz; z++)
            for (int y = 0; y < sy; y++)
                for (int x = 0; x < sx; x++) cropped[x, y, z] = ct[x0 + x, y0 + y, z0 + z];
        return cropped;
    }

    /// <summary>The crop as NRRD the way 3D Slicer writes CT: int16, LPS space, raw or gzip data.</summary>
    private static byte[] Nrrd(Volume<float> crop, bool gzip)
    {
        var g = crop.Grid;
        var lps = g.Affine.ToLps();
        string Vector(int c) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"({lps[0, c]:R},{lps[1, c]:R},{lps[2, c]:R})");
        string header = $"NRRD0004\n# cropped from the CIP ct-64 CT\ntype: short\ndimension: 3\nspace: left-posterior-superior\nsizes: {g.SizeX} {g.SizeY} {g.SizeZ}\n"
                      + $"space directions: {Vector(0)} {Vector(1)} {Vector(2)}\nkinds: domain domain domain\nendian: little\nencoding: {(gzip ? "gzip" : "raw")}\n"
                      + $"space origin: {Vector(3)}\n\n";
        var data = new byte[crop.Voxels.Length * 2];
        for (int i = 0; i < crop.Voxels.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(2 * i), (short)Math.Round(crop.Voxels[i]));
        if (gzip)
        {
            using var compressed = new MemoryStream();
            using (var stream = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
                stream.Write(data);
            data = compressed.ToArray();
        }
        return [.. System.Text.Encoding.ASCII.GetBytes(header), .. data];
    }

    private static byte[] Gunzip(string path)
    {
        using var input = new System.IO.Compression.GZipStream(File.OpenRead(path), System.IO.Compression.CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
