using NativeSeg.IO.Nifti;
using NativeSeg.Tests.Shared;

namespace NativeSeg.Cli.Tests;

/// <summary>`nativeseg set-threshold` and `segment --threshold`: a file's threshold is the segmentation's default, the option overrides it, and values that cannot cut are refused.</summary>
public class SetThresholdTests
{
    [Test]
    public void AFileSetTo07SegmentsAsTheOption07()
    {
        using var folder = new TemporaryFolder();
        var phantom = Phantoms.Make(folder, "p", "96x96x8", seed: 2);
        string at07 = folder.File("at07.safetensors"), at05 = folder.File("at05.safetensors");
        var set = CliRunner.Expect(ExitCodes.Success, "set-threshold", RepositoryPaths.ShippedWeights, "0.7", "-o", at07);
        Assert.That(set.Out, Does.Contain("decision threshold 0.7"), set.ToString());
        CliRunner.Expect(ExitCodes.Success, "set-threshold", RepositoryPaths.ShippedWeights, "0.5", "-o", at05);

        string byFile = folder.File("by-file.nii.gz"), byOption = folder.File("by-option.nii.gz"), atHalf = folder.File("half.nii.gz"), overridden = folder.File("overridden.nii.gz");
        string byFileStatistics = folder.File("by-file.json"), overriddenStatistics = folder.File("overridden.csv");
        CliRunner.Expect(ExitCodes.Success, "segment", phantom.Ct, "-o", byFile, "-w", at07, "--device", "cpu", "--quiet", "--statistics", byFileStatistics);
        CliRunner.Expect(ExitCodes.Success, "segment", phantom.Ct, "-o", byOption, "-w", at05, "--threshold", "0.7", "--device", "cpu", "--quiet");
        CliRunner.Expect(ExitCodes.Success, "segment", phantom.Ct, "-o", atHalf, "-w", at05, "--device", "cpu", "--quiet");
        CliRunner.Expect(ExitCodes.Success, "segment", phantom.Ct, "-o", overridden, "-w", at07, "--threshold", "0.5", "--device", "cpu", "--quiet", "--statistics", overriddenStatistics);
        byte[] Voxels(string path) => NiftiReader.ReadMask(path).Voxels;
        Assert.That(Voxels(byFile), Is.EqualTo(Voxels(byOption)), "the file's 0.7 is the option's 0.7");
        Assert.That(Voxels(overridden), Is.EqualTo(Voxels(atHalf)), "--threshold overrides the file");
        Assert.That(Voxels(byFile).Count(v => v != 0), Is.LessThan(Voxels(atHalf).Count(v => v != 0)), "a higher cut keeps less lung");

        // The statistics say where the mask was cut: the file's threshold, or the option's.
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(byFileStatistics));
        Assert.That(json.RootElement.GetProperty("threshold").GetSingle(), Is.EqualTo(0.7f));
        var csv = File.ReadAllLines(overriddenStatistics);
        Assert.That(csv[0], Does.EndWith(",threshold,min_aerated_share"));
        Assert.That(csv.Skip(1), Is.Not.Empty.And.All.Contain(",0.5,"));
    }

    [TestCase("0")]
    [TestCase("1")]
    [TestCase("-0.5")]
    public void AThresholdThatCannotCutIsAUsageErrorAndWritesNothing(string threshold)
    {
        using var folder = new TemporaryFolder();
        string output = folder.File("out.safetensors");
        var set = CliRunner.Expect(ExitCodes.UsageError, "set-threshold", RepositoryPaths.ShippedWeights, threshold, "-o", output);
        Assert.That(set.ErrorLines, Has.Length.EqualTo(1), set.ToString());
        Assert.That(set.ErrorLines[0], Does.Contain("between 0 and 1"), set.ToString());
        string mask = folder.File("mask.nii.gz");
        var segment = CliRunner.Expect(ExitCodes.UsageError, "segment", RepositoryPaths.SharedData("lctsc", "Case_009_ct.nii.gz"), "-o", mask, "--threshold", threshold);
        Assert.That(segment.ErrorLines[0], Does.Contain("--threshold"), segment.ToString());
        Assert.That(Directory.GetFiles(folder.Path), Is.Empty, "nothing written");
    }
}
