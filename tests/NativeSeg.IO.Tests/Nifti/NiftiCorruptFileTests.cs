using System.Buffers.Binary;
using System.IO.Compression;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Tests.Nifti;

/// <summary>Damaged, truncated or absurd files must give InvalidInputException naming the file, before any big allocation.</summary>
[TestFixture]
public class NiftiCorruptFileTests
{
    private string _folder = "";
    private byte[] _valid = [];

    [SetUp]
    public void CreateValidFile()
    {
        _folder = NiftiTestData.TempFolder();
        var random = new Random(7);
        var grid = new Grid(32, 32, 8, Affine.FromSpacing(1, 1, 2));
        var volume = new Volume<short>(grid, Enumerable.Range(0, grid.VoxelCount).Select(_ => (short)random.Next(-1000, 1000)).ToArray());
        string path = Path.Combine(_folder, "valid.nii");
        NiftiWriter.Write(path, volume, 1, -1024);
        _valid = File.ReadAllBytes(path);
    }

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    private string Save(byte[] bytes, string name = "bad.nii")
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var memory = new MemoryStream();
        using (var gz = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(bytes);
        return memory.ToArray();
    }

    private byte[] Patched(Action<Span<byte>> patch)
    {
        var copy = (byte[])_valid.Clone();
        patch(copy);
        return copy;
    }

    private static void ExpectInvalid(string path, string reasonFragment)
    {
        var e = Assert.Throws<InvalidInputException>(() => NiftiReader.ReadFloat(path));
        Assert.That(e!.Path, Is.EqualTo(path));
        Assert.That(e.Reason, Does.Contain(reasonFragment));
        Assert.That(e.Message, Does.StartWith(path));
    }

    [Test]
    public void ValidFileReads() => Assert.That(NiftiReader.ReadFloat(Save(_valid, "ok.nii")).Voxels, Has.Length.EqualTo(32 * 32 * 8));

    [Test]
    public void MissingFile() => ExpectInvalid(Path.Combine(_folder, "absent.nii.gz"), "not found");

    [Test]
    public void EmptyFile() => ExpectInvalid(Save([]), "truncated");

    [Test]
    public void NotNifti() => ExpectInvalid(Save("This is a text file, not an image at all, and it is long enough."u8.ToArray()), "sizeof_hdr");

    [Test]
    public void TruncatedInsideHeader() => ExpectInvalid(Save(_valid[..200]), "truncated");

    [Test]
    public void TruncatedVoxelsInPlainFile() => ExpectInvalid(Save(_valid[..(_valid.Length - 10)]), "truncated");

    [Test]
    public void TruncatedGzip()
    {
        byte[] gz = Gzip(_valid);
        string path = Save(gz[..(gz.Length / 2)], "bad.nii.gz");
        Assert.Throws<InvalidInputException>(() => NiftiReader.ReadFloat(path));
    }

    [Test]
    public void CorruptGzipStream()
    {
        byte[] gz = Gzip(_valid);
        for (int i = 20; i < gz.Length - 8; i += 3) gz[i] ^= 0x5A;
        string path = Save(gz, "bad.nii.gz");
        Assert.Throws<InvalidInputException>(() => NiftiReader.ReadFloat(path));
    }

    [Test]
    public void BadMagic() => ExpectInvalid(Save(Patched(b => "xyz\0"u8.CopyTo(b[344..]))), "magic");

    [Test]
    public void UnsupportedDatatype() =>
        ExpectInvalid(Save(Patched(b => { BinaryPrimitives.WriteInt16LittleEndian(b[70..], 128); BinaryPrimitives.WriteInt16LittleEndian(b[72..], 24); })), "unsupported NIfTI datatype 128");

    [Test]
    public void BitpixDisagreesWithDatatype() =>
        ExpectInvalid(Save(Patched(b => BinaryPrimitives.WriteInt16LittleEndian(b[72..], 32))), "bitpix");

    [TestCase(0)]
    [TestCase(9)]
    [TestCase(-3)]
    public void AbsurdRank(int rank) =>
        ExpectInvalid(Save(Patched(b => BinaryPrimitives.WriteInt16LittleEndian(b[40..], (short)rank))), "dim[0]");

    [Test]
    public void NegativeSize() =>
        ExpectInvalid(Save(Patched(b => BinaryPrimitives.WriteInt16LittleEndian(b[44..], -32))), "not a positive size");

    [Test]
    public void HugeSizesInPlainFileAreRejectedBeforeAllocation() =>
        ExpectInvalid(Save(Patched(b =>
        {
            BinaryPrimitives.WriteInt16LittleEndian(b[42..], 30000);
            BinaryPrimitives.WriteInt16LittleEndian(b[44..], 30000);
            BinaryPrimitives.WriteInt16LittleEndian(b[46..], 2);
        })), "truncated");

    [Test]
    public void HugeSizesInSmallGzipAreRejectedBeforeAllocation()
    {
        // 2000 × 2000 × 500 int16 = 4 GB promised by a gzip file of a few kilobytes.
        var bytes = Patched(b =>
        {
            BinaryPrimitives.WriteInt16LittleEndian(b[42..], 2000);
            BinaryPrimitives.WriteInt16LittleEndian(b[44..], 2000);
            BinaryPrimitives.WriteInt16LittleEndian(b[46..], 500);
        });
        string path = Save(Gzip(bytes), "huge.nii.gz");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidInputException>(() => NiftiReader.ReadFloat(path));
        Assert.That(e!.Reason, Does.Contain("too large").Or.Contain("gzip file"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(4_000_000));
    }

    [Test]
    public void PlausibleSizesInSmallGzipFailAsTruncated()
    {
        // 64 × 64 × 64 int16 = 512 KiB, within what deflate could hold, but the data is not there.
        var bytes = Patched(b =>
        {
            BinaryPrimitives.WriteInt16LittleEndian(b[42..], 64);
            BinaryPrimitives.WriteInt16LittleEndian(b[44..], 64);
            BinaryPrimitives.WriteInt16LittleEndian(b[46..], 64);
        });
        ExpectInvalid(Save(Gzip(bytes), "short.nii.gz"), "truncated");
    }

    [Test]
    public void VoxOffsetInsideHeader() =>
        ExpectInvalid(Save(Patched(b => BinaryPrimitives.WriteSingleLittleEndian(b[108..], 100))), "vox_offset");

    [Test]
    public void VoxOffsetBeyondFile() =>
        ExpectInvalid(Save(Patched(b => BinaryPrimitives.WriteSingleLittleEndian(b[108..], 1e9f))), "truncated");

    [Test]
    public void SingularSform() =>
        ExpectInvalid(Save(Patched(b => b[280..328].Clear())), "srow_x[0], srow_y[0], srow_z[0]) length = 0 mm is not a plausible CT pixel size");

    [Test]
    public void NonFiniteSform() =>
        ExpectInvalid(Save(Patched(b => BinaryPrimitives.WriteSingleLittleEndian(b[280..], float.NaN))), "srow_x[0] = NaN is not finite");

    [Test]
    public void FloatCtIsNotAMask()
    {
        var e = Assert.Throws<InvalidInputException>(() => NiftiReader.ReadMask(Save(_valid)));
        Assert.That(e!.Reason, Does.Contain("not a label mask"));
    }
}
