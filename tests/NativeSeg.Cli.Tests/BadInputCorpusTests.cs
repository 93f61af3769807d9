using System.Buffers.Binary;
using System.Security.Cryptography;
using NativeSeg.IO.Dicom;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Tests.Dicom;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Cli.Tests;

/// <summary>
/// The bad-input corpus of issue 14 (impossible geometry, wrong intensities or pixel formats, invalid input taken for
/// an internal error), generated here, one case per defect. Each run of the CLI must exit 3 with one line on stderr
/// that names the file and the field at fault, leave the input byte-for-byte unchanged and leave nothing in the
/// output folder.
/// </summary>
public sealed class BadInputCorpusTests
{
    private TemporaryFolder _phantomFolder = null!;
    private Phantoms.Files _phantom = null!;
    private TemporaryFolder _inputs = null!;
    private TemporaryFolder _outputs = null!;

    [OneTimeSetUp]
    public void MakePhantom()
    {
        _phantomFolder = new TemporaryFolder();
        _phantom = Phantoms.Make(_phantomFolder, "p", "32x32x8");
    }

    [OneTimeTearDown]
    public void DeletePhantom() => _phantomFolder.Dispose();

    [SetUp]
    public void MakeFolders()
    {
        _inputs = new TemporaryFolder();
        _outputs = new TemporaryFolder();
    }

    [TearDown]
    public void DeleteFolders()
    {
        _inputs.Dispose();
        _outputs.Dispose();
    }

    // --- Item 2: impossible geometry ------------------------------------------------------------------------------

    [Test]
    public void NiftiPixdimZeroWithoutQformOrSform() =>
        ExpectRefusedSegment(Nifti("pixdim0.nii", b =>
        {
            BinaryPrimitives.WriteSingleLittleEndian(b[80..], 0);   // pixdim[1]
            BinaryPrimitives.WriteInt16LittleEndian(b[252..], 0);   // qform_code
            BinaryPrimitives.WriteInt16LittleEndian(b[254..], 0);   // sform_code
        }), "pixdim[1] = 0 mm");

    [Test]
    public void NiftiSformOriginAtInfinity() =>
        ExpectRefusedSegment(Nifti("far.nii", b => BinaryPrimitives.WriteSingleLittleEndian(b[292..], 1e30f)), "srow_x[3]");

    [TestCase(1e30)]
    [TestCase(1e-9)]
    public void DicomPixelSpacingOutOfRange(double spacing) =>
        ExpectRefusedSegment(DicomSeries("spacing", s => s.Decimals(DicomTags.PixelSpacing, spacing, spacing)), "PixelSpacing[0]");

    [TestCase(0.0)]
    [TestCase(-2.0)]
    public void DicomSingleSliceThicknessNotPositive(double thickness) =>
        ExpectRefusedSegment(DicomFile("lone.dcm", Slice(0).Decimals(DicomTags.SliceThickness, thickness)), "SliceThickness");

    [Test]
    public void DicomImagePositionAtTheEndOfDoubles() =>
        ExpectRefusedSegment(DicomSeries("far", s => s.Decimals(DicomTags.ImagePositionPatient, 1e308, 0, 0)), "ImagePositionPatient[0]");

    // --- Item 3: wrong intensities or pixel formats ---------------------------------------------------------------

    [Test]
    public void DicomNegativeRescaleSlope() =>
        ExpectRefusedSegment(DicomSeries("slope", s => s.Decimals(DicomTags.RescaleSlope, -1)), "RescaleSlope = -1");

    [Test]
    public void NiftiNegativeSclSlope() =>
        ExpectRefusedSegment(Nifti("slope.nii", b => BinaryPrimitives.WriteSingleLittleEndian(b[112..], -1f)), "scl_slope = -1");

    [Test]
    public void DicomRgb() =>
        ExpectRefusedSegment(DicomSeries("rgb", s => s.UInt16(DicomTags.SamplesPerPixel, 3).Text(DicomTags.PhotometricInterpretation, "CS", "RGB")
            .Bytes(DicomTags.PixelData, "OW", new byte[3 * 2 * Size * Size])), "SamplesPerPixel = 3");

    [Test]
    public void DicomPaletteColor() =>
        ExpectRefusedSegment(DicomSeries("palette", s => s.Text(DicomTags.PhotometricInterpretation, "CS", "PALETTE COLOR")), "PhotometricInterpretation = PALETTE COLOR");

    [Test]
    public void DicomControlCharactersAreNotEchoed()
    {
        var result = ExpectRefusedSegment(DicomSeries("escape", s => s.Text(DicomTags.PhotometricInterpretation, "CS", "\u001b[2J\u001b]0;pwned\u0007")),
            "PhotometricInterpretation = ?[2J?]0;pwned?");
        Assert.That(result.Err, Does.Not.Contain("\u001b").And.Not.Contain("\u0007"));
    }

    [Test]
    public void DicomColumnsOneShortOfThePixelData() =>
        ExpectRefusedSegment(DicomSeries("columns63", s => s.UInt16(DicomTags.Columns, Size - 1)), "Rows × Columns");

    // --- Item 4: invalid input that used to be an internal error --------------------------------------------------

    [Test]
    public void DicomZeroRows() =>
        ExpectRefusedSegment(DicomSeries("rows0", s => s.UInt16(DicomTags.Rows, 0)), "Rows = 0");

    [Test]
    public void DicomZeroColumns() =>
        ExpectRefusedSegment(DicomSeries("columns0", s => s.UInt16(DicomTags.Columns, 0)), "Columns = 0");

    [Test]
    public void SimulateWithAllZeroMask()
    {
        string mask = _inputs.File("zeros_mask.nii.gz");
        NiftiWriter.Write(mask, new Volume<byte>(NiftiReader.ReadMask(_phantom.Mask).Grid));
        ExpectRefused(Simulate(_phantom.Ct, mask), mask, "lung mask is empty", [mask, _phantom.Ct]);
    }

    [Test]
    public void SimulateWithEmptyMaskFile()
    {
        string mask = _inputs.File("empty_mask.nii.gz");
        File.WriteAllBytes(mask, []);
        ExpectRefused(Simulate(_phantom.Ct, mask), mask, "truncated", [mask, _phantom.Ct]);
    }

    [Test]
    public void SimulateOnCtWithNaN()
    {
        string ct = NanCt();
        ExpectRefused(Simulate(ct, _phantom.Mask), ct, "NaN", [ct, _phantom.Mask]);
    }

    [Test]
    public void SegmentOnCtWithNaN() => ExpectRefusedSegment(NanCt(), "NaN");

    // --- The corpus machinery -------------------------------------------------------------------------------------

    private const int Size = 64;

    private string[] Simulate(string ct, string mask) =>
        ["simulate", "--ct", ct, "--mask", mask, "--out-ct", Path.Combine(_outputs.Path, "ct.nii.gz"),
         "--out-lesions", Path.Combine(_outputs.Path, "lesions.nii.gz"), "--preview", Path.Combine(_outputs.Path, "preview.png")];

    // --- Issue 17: corrupt lossy JPEG and JPEG-LS code streams --------------------------------------------------------

    [TestCase("ct_small_jpegls.dcm")]
    [TestCase("ct_small_jpeg_extended.dcm")]
    public void CorruptCompressedPixelData(string fixture)
    {
        var bytes = File.ReadAllBytes(NativeSeg.Tests.Shared.RepositoryPaths.InRepository("tests", "NativeSeg.IO.Tests", "Fixtures", "Dicom", fixture));
        // A stretch of the code stream becomes 0xFF bytes: marker fill, so the entropy-coded data ends early. (Zero bytes
        // would not do for lossy JPEG: they decode as valid codes, a wrong but plausible image.)
        bytes.AsSpan(bytes.Length * 2 / 3, bytes.Length / 4).Fill(0xFF);
        string input = Path.Combine(_inputs.Path, fixture);
        File.WriteAllBytes(input, bytes);
        ExpectRefusedSegment(input, "pixel data in frame 1");
    }

    private CliResult ExpectRefusedSegment(string input, string field) =>
        ExpectRefused(["segment", input, "-o", Path.Combine(_outputs.Path, "mask.nii.gz"), "--device", "cpu",
            "--probabilities", Path.Combine(_outputs.Path, "probabilities.nii.gz"), "--preview", Path.Combine(_outputs.Path, "preview.png")],
            input, field, [input]);

    private CliResult ExpectRefused(string[] args, string culprit, string field, string[] inputs)
    {
        var before = inputs.ToDictionary(p => p, Hash);
        var result = CliRunner.Run(args);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), result.ToString());
        var stderrLines = result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(stderrLines, Has.Length.EqualTo(1), "one line on stderr\n" + result);
        TestContext.Out.WriteLine(stderrLines[0]);
        Assert.That(stderrLines[0], Does.StartWith("nativeseg: ").And.Contain(culprit).And.Contain(field), result.ToString());
        Assert.That(stderrLines[0], Does.Not.Contain("internal error"), result.ToString());
        foreach (var (path, hash) in before)
            Assert.That(Hash(path), Is.EqualTo(hash), $"{path} changed");
        Assert.That(Directory.EnumerateFileSystemEntries(_outputs.Path), Is.Empty, "nothing left in the output folder");
        return result;
    }

    /// <summary>SHA-256 of a file, or of every file under a folder (names and contents).</summary>
    private static string Hash(string path)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var files = Directory.Exists(path) ? Directory.GetFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray() : [path];
        foreach (var file in files)
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetRelativePath(path, file)));
            sha.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    /// <summary>A valid 64×64 CT slice at z (air with a soft-tissue square), 2.5 mm thick.</summary>
    private static SyntheticDicom Slice(int index)
    {
        var pixels = new short[Size * Size];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (short)((i % Size is > 16 and < 48) && (i / Size is > 16 and < 48) ? 1064 : 24);
        return SyntheticDicom.CtSlice("1.2.3.14", [-100, -100, 2.5 * index], pixels, Size, Size, spacing: [0.7, 0.7], intercept: -1024)
            .Decimals(DicomTags.SliceThickness, 2.5);
    }

    /// <summary>A three-slice series in its own folder, each slice edited by <paramref name="edit"/>.</summary>
    private string DicomSeries(string name, Func<SyntheticDicom, SyntheticDicom> edit)
    {
        string folder = Path.Combine(_inputs.Path, name);
        Directory.CreateDirectory(folder);
        for (int k = 0; k < 3; k++) File.WriteAllBytes(Path.Combine(folder, $"slice{k}.dcm"), edit(Slice(k)).ToFile());
        return folder;
    }

    private string DicomFile(string name, SyntheticDicom slice)
    {
        string path = _inputs.File(name);
        File.WriteAllBytes(path, slice.ToFile());
        return path;
    }

    /// <summary>A valid int16 NIfTI-1 CT (16×16×4, 0.7×0.7×2.5 mm) with its header bytes edited.</summary>
    private string Nifti(string name, Action<Span<byte>> patch)
    {
        string path = _inputs.File(name);
        var grid = new Grid(16, 16, 4, Affine.FromSpacing(-0.7, -0.7, 2.5, 50, 50, -100));
        var stored = Enumerable.Range(0, grid.VoxelCount).Select(i => (short)(i % 3 == 0 ? 0 : 1000)).ToArray();
        NiftiWriter.Write(path, new Volume<short>(grid, stored), 1, -1024);
        var bytes = File.ReadAllBytes(path);
        patch(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string NanCt()
    {
        var ct = NiftiReader.ReadFloat(_phantom.Ct);
        ct.Voxels[ct.Voxels.Length / 2] = float.NaN;
        ct.Voxels[ct.Voxels.Length / 3] = float.NaN;
        string path = _inputs.File("nan_ct.nii.gz");
        NiftiWriter.Write(path, ct);
        return path;
    }
}
