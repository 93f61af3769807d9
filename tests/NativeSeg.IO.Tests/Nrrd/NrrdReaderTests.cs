using System.Globalization;
using System.IO.Compression;
using System.Text;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Nrrd;
using NativeSeg.IO.Tests.Dicom;
using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Tests.Nrrd;

/// <summary>
/// The Chest Imaging Platform CT is shared as NRRD, NIfTI and DICOM (the same 64×64×79 volume): the NRRD reader must
/// give the NIfTI's voxels and affine. The other encodings are made here from that real file (its header rewritten,
/// its data decompressed, byte-swapped or printed), so every variant holds the same real CT.
/// </summary>
[TestFixture]
public class NrrdReaderTests
{
    private static string Cip(string name) => DicomTestData.Data("cip", name);

    private static readonly Lazy<(string Header, byte[] Raw)> Parts = new(() =>
    {
        var bytes = File.ReadAllBytes(Cip("ct-64.nrrd"));
        int end = IndexOf(bytes, "\n\n"u8) + 2;
        using var gzip = new GZipStream(new MemoryStream(bytes, end, bytes.Length - end), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        gzip.CopyTo(raw);
        return (Encoding.ASCII.GetString(bytes, 0, end - 1), raw.ToArray());
    });

    [Test]
    public void TheCipNrrdEqualsItsNiftiVoxelForVoxel()
    {
        var nrrd = NrrdReader.ReadFloat(Cip("ct-64.nrrd"));
        var nifti = NiftiReader.ReadFloat(Cip("ct-64.nii.gz"));
        Assert.That((nrrd.Grid.SizeX, nrrd.Grid.SizeY, nrrd.Grid.SizeZ), Is.EqualTo((64, 64, 79)));
        // The NRRD is LPS-ordered, the NIfTI (dcm2niix) LAS: the same voxels with j reversed. Through the affines, every
        // NIfTI voxel centre must land within 0.05 voxel of a NRRD voxel centre holding the same HU.
        var (x, y, z) = nrrd.Grid.Affine.Apply(0, 0, 0);
        var (nx, ny, nz) = nifti.Grid.Affine.Apply(0, 63, 0);
        Assert.That(new[] { x, y, z }, Is.EqualTo(new[] { nx, ny, nz }).Within(1e-3), "the first NRRD voxel is the NIfTI's (0, 63, 0)");
        var aligned = VolumeAlignment.OntoGrid(nrrd, nifti.Grid, Cip("ct-64.nrrd"));
        Assert.That(aligned.Voxels, Is.EqualTo(nifti.Voxels));
        Assert.That(nrrd.Voxels.Min(), Is.LessThan(-900), "Hounsfield units: air");

        var mask = NrrdReader.ReadFloat(Cip("wholeLung-64.nrrd"));
        var niftiMask = NiftiReader.ReadFloat(Cip("wholeLung-64.nii.gz"));
        Assert.That(VolumeAlignment.OntoGrid(mask, niftiMask.Grid, Cip("wholeLung-64.nrrd")).Voxels, Is.EqualTo(niftiMask.Voxels), "unsigned short lung mask");
    }

    [Test]
    public void CtReaderReadsNrrdByNameAndByMagic()
    {
        var expected = NrrdReader.ReadFloat(Cip("ct-64.nrrd"));
        Assert.That(CtReader.Read(Cip("ct-64.nrrd")).Voxels, Is.EqualTo(expected.Voxels));
        using var temp = DicomTestData.NewTempFolder();
        string renamed = temp.File("ct-64.dat");
        File.Copy(Cip("ct-64.nrrd"), renamed);
        Assert.That(CtReader.Read(renamed).Voxels, Is.EqualTo(expected.Voxels));
    }

    [TestCase("raw", false)]
    [TestCase("raw", true)]
    [TestCase("ascii", false)]
    [TestCase("detached", false)]
    public void OtherEncodingsOfTheSameCtReadTheSame(string encoding, bool bigEndian)
    {
        var expected = NrrdReader.ReadFloat(Cip("ct-64.nrrd"));
        var (header, raw) = Parts.Value;
        var data = (byte[])raw.Clone();
        if (bigEndian)
            for (int i = 0; i + 1 < data.Length; i += 2) (data[i], data[i + 1]) = (data[i + 1], data[i]);
        using var temp = DicomTestData.NewTempFolder();
        string path = temp.File(encoding == "detached" ? "ct.nhdr" : "ct.nrrd");
        string head = header.Replace("endian: little", bigEndian ? "endian: big" : "endian: little");
        switch (encoding)
        {
            case "raw":
                File.WriteAllBytes(path, [.. Encoding.ASCII.GetBytes(head.Replace("encoding: gzip", "encoding: raw") + "\n"), .. data]);
                break;
            case "ascii":
                var text = new StringBuilder(head.Replace("encoding: gzip", "encoding: ascii") + "\n");
                for (int i = 0; i < data.Length; i += 2)
                    text.Append(BitConverter.ToInt16(data, i).ToString(CultureInfo.InvariantCulture)).Append(i % 128 == 126 ? '\n' : ' ');
                File.WriteAllText(path, text.ToString());
                break;
            default:
                File.WriteAllBytes(temp.File("ct.raw"), data);
                File.WriteAllText(path, head.Replace("encoding: gzip", "encoding: raw") + "data file: ct.raw\n");
                break;
        }
        var read = NrrdReader.ReadFloat(path);
        Assert.That(read.Voxels, Is.EqualTo(expected.Voxels));
        Assert.That(read.Grid.Affine, Is.EqualTo(expected.Grid.Affine));
    }

    [TestCase("space: left-posterior-superior", "space: right-anterior-superior", "", "patient space")]
    [TestCase("sizes: 64 64 79", "sizes: 64 64 79000", "", "more than")]
    [TestCase("encoding: gzip", "encoding: bzip2", "", "bzip2")]
    [TestCase("type: short", "type: block", "", "block")]
    [TestCase("space: left-posterior-superior\n", "", "", "no \"space\" field")]
    [TestCase("", "", "truncate", "truncated")]
    [TestCase("", "", "corrupt", "gzip")]
    public void BadHeadersAndDataAreRefusedNamingTheFile(string from, string to, string damage, string expected)
    {
        var bytes = File.ReadAllBytes(Cip("ct-64.nrrd"));
        int end = IndexOf(bytes, "\n\n"u8) + 2;
        string header = Encoding.ASCII.GetString(bytes, 0, end);
        if (from.Length > 0) header = header.Replace(from, to);
        byte[] data = bytes[end..];
        if (damage == "truncate") data = data[..(data.Length / 2)];
        if (damage == "corrupt") for (int i = 100; i < 400; i++) data[i] ^= 0x5A;
        using var temp = DicomTestData.NewTempFolder();
        string path = temp.File("bad.nrrd");
        File.WriteAllBytes(path, [.. Encoding.ASCII.GetBytes(header), .. data]);
        Exception? thrown = null;
        Volume<float>? read = null;
        try { read = CtReader.Read(path); } catch (Exception e) { thrown = e; }
        if (expected == "patient space")
        {
            // RAS is a valid space: the file reads, mirrored in x and y against the original.
            Assert.That(read, Is.Not.Null, thrown?.ToString());
            return;
        }
        Assert.That(thrown, Is.InstanceOf<InvalidInputException>(), thrown?.ToString());
        var invalid = (InvalidInputException)thrown!;
        Assert.That(invalid.Path, Is.EqualTo(path));
        Assert.That(invalid.Reason, Does.Contain(expected));
    }

    [Test]
    public void RandomDamageToTheHeaderNeverEscapesAsAnythingButInvalidInput()
    {
        var bytes = File.ReadAllBytes(Cip("ct-64.nrrd"));
        int end = IndexOf(bytes, "\n\n"u8) + 2;
        var random = new Random(1717);
        using var temp = DicomTestData.NewTempFolder();
        string path = temp.File("fuzz.nrrd");
        int accepted = 0;
        for (int round = 0; round < 200; round++)
        {
            var copy = (byte[])bytes.Clone();
            for (int n = random.Next(1, 4); n > 0; n--) copy[random.Next(0, end)] = (byte)random.Next(32, 127);
            File.WriteAllBytes(path, copy);
            try
            {
                var v = NrrdReader.ReadFloat(path);
                Assert.That(v.Voxels, Has.Length.EqualTo(v.Grid.VoxelCount));
                accepted++;
            }
            catch (InvalidInputException e)
            {
                Assert.That(e.Path, Is.EqualTo(path));
            }
        }
        TestContext.Progress.WriteLine($"NRRD header fuzz: {accepted} of 200 damaged headers still read (comments, unused fields), the rest refused");
    }

    [Test]
    public void FormatsNativeSegDoesNotReadAreNamed()
    {
        using var temp = DicomTestData.NewTempFolder();
        string png = temp.File("slice.png");
        File.WriteAllBytes(png, [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]);
        var e = Assert.Throws<InvalidInputException>(() => CtReader.Read(png))!;
        Assert.That(e.Reason, Does.Contain("PNG image").And.Contain("NRRD"));
        string mha = temp.File("ct.mha");
        File.WriteAllText(mha, "ObjectType = Image\nNDims = 3\n");
        Assert.That(Assert.Throws<InvalidInputException>(() => CtReader.Read(mha))!.Reason, Does.Contain("MetaImage"));
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);
}
