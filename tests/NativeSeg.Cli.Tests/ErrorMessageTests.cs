using NativeSeg.IO.Tests.Dicom;

namespace NativeSeg.Cli.Tests;

/// <summary>
/// Error lines say what is wrong in the CLI's words: corrupt gzip data as such, options the CLI really has, never a
/// raw control character from a file name, and an evaluate that fails leaves no empty report folder.
/// </summary>
public sealed class ErrorMessageTests : PhantomWithGarbageWeightsTest
{
    private string Mask => Folder.File("mask.nii.gz");

    private CliResult ExpectFailure(int exitCode, params string[] args)
    {
        var before = FolderSnapshot.Take(Folder.Path);
        var result = CliRunner.Expect(exitCode, args);
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1), result.ToString());
        FolderSnapshot.AssertUnchanged(before, Folder.Path, "inputs unchanged, nothing left behind");
        return result;
    }

    [TestCase("crc")]
    [TestCase("stream")]
    public void CorruptGzip_SaysSo(string where)
    {
        var bytes = File.ReadAllBytes(Phantom.Ct);
        // The trailer's CRC-32 (8 bytes from the end), or a byte in the middle of the deflate stream.
        bytes[where == "crc" ? bytes.Length - 6 : bytes.Length / 2] ^= 0xFF;
        string corrupt = Folder.File("corrupt.nii.gz");
        File.WriteAllBytes(corrupt, bytes);
        var result = ExpectFailure(ExitCodes.InvalidInput, "segment", corrupt, "-o", Mask, "--weights", GarbageWeights, "--device", "cpu");
        Assert.That(result.ErrorLines[0], Does.Contain(corrupt).And.Contain("corrupt gzip data (CRC or stream error)"));
        Assert.That(result.ErrorLines[0], Does.Not.Contain("unsupported compression method"));
    }

    [Test]
    public void ControlCharactersFromAFileName_AreNotEchoed()
    {
        string hostile = Folder.File("ct\u001b[2J\u0007.nii.gz");
        var result = ExpectFailure(ExitCodes.InvalidInput, "segment", hostile, "-o", Mask, "--weights", GarbageWeights, "--device", "cpu");
        Assert.That(result.Err.Any(c => c < 0x20 && c != '\n' && c != '\r'), Is.False, "no raw control character");
        Assert.That(result.ErrorLines[0], Does.Contain("ct\\x1B[2J\\x07.nii.gz"));
    }

    [Test]
    public void NonCtSeries_NamesTheCliOption_WhichWorks()
    {
        string series = Path.Combine(Folder.Path, "mr");
        Directory.CreateDirectory(series);
        for (int z = 0; z < 3; z++)
        {
            var slice = SyntheticDicom.CtSlice("1.2.3.4", [0, 0, z * 2.0], new short[16 * 16], 16, 16, modality: "MR")
                .Text(IO.Dicom.DicomTags.SopInstanceUid, "UI", $"1.2.3.4.{z + 1}");
            File.WriteAllBytes(Path.Combine(series, $"IM{z}.dcm"), slice.ToFile());
        }
        var refused = ExpectFailure(ExitCodes.InvalidInput, "segment", series, "-o", Mask, "--weights", GarbageWeights, "--device", "cpu");
        Assert.That(refused.ErrorLines[0], Does.Contain(series).And.Contain("--allow-non-ct").And.Not.Contain("allowNonCt"));

        // With the option the series is read, and the command goes on to the (garbage) weights.
        var allowed = ExpectFailure(ExitCodes.InvalidInput, "segment", series, "-o", Mask, "--weights", GarbageWeights, "--device", "cpu", "--allow-non-ct");
        Assert.That(allowed.ErrorLines[0], Does.Contain(GarbageWeights));
    }

    [Test]
    public void EvaluateThatFails_LeavesNoReportFolder()
    {
        string corrupt = Folder.File("prediction.nii.gz");
        File.WriteAllBytes(corrupt, new byte[100]);
        string manifest = Phantoms.WriteManifest(Folder, "manifest.json", new
        {
            id = "c1", patient = "P1", group = "normal", ct = Path.GetFileName(Phantom.Ct), mask = Path.GetFileName(Phantom.Mask), prediction = "prediction.nii.gz",
        });
        string report = Folder.File("report");
        var result = ExpectFailure(ExitCodes.InvalidInput, "evaluate", manifest, "-o", report);
        Assert.That(result.ErrorLines[0], Does.Contain(corrupt));
        Assert.That(Directory.Exists(report), Is.False);
    }
}
