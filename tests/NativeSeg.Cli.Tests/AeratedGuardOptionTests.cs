using NativeSeg.Cli.Segmentation;
using NativeSeg.IO.Nifti;
using NativeSeg.Tests.Shared;

namespace NativeSeg.Cli.Tests;

/// <summary>`segment --min-aerated-share`: the share reaches the mask and is recorded with it; a share that is not one is refused.</summary>
public sealed class AeratedGuardOptionTests
{
    [Test]
    public void TheShareReachesTheMaskAndTheStatisticsRecordIt()
    {
        using var folder = new TemporaryFolder();
        var phantom = Phantoms.Make(folder, "p", "96x96x8", seed: 2);
        string plain = folder.File("plain.nii.gz"), guarded = folder.File("guarded.nii.gz");
        string plainStatistics = folder.File("plain.csv"), guardedStatistics = folder.File("guarded.json");
        CliRunner.Expect(ExitCodes.Success, "segment", phantom.Ct, "-o", plain, "--device", "cpu", "--quiet", "--statistics", plainStatistics);
        // A share of 1 keeps only pieces with no voxel at or above -400 HU, far less of the phantom's lung: proof that
        // the option reaches the post-processing, not a setting to use.
        CliRunner.Expect(ExitCodes.Success, "segment", phantom.Ct, "-o", guarded, "--device", "cpu", "--quiet",
            "--min-aerated-share", "1", "--statistics", guardedStatistics);

        long Lung(string path) => NiftiReader.ReadMask(path).Voxels.LongCount(v => v != 0);
        Assert.That(Lung(guarded), Is.LessThan(Lung(plain) / 2), "pieces that are not entirely aerated were dropped");
        Assert.That(Lung(guarded), Is.GreaterThan(0));
        var report = StatisticsReport.ReadJson(guardedStatistics);
        Assert.That(report.MinAeratedShare, Is.EqualTo(1.0));
        var csv = File.ReadAllLines(plainStatistics);
        Assert.That(csv[0], Does.EndWith(",threshold,min_aerated_share"));
        Assert.That(csv.Skip(1), Is.Not.Empty.And.All.EndWith("," + Model.Pipeline.SegmentationOptions.DefaultMinAeratedShare.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [TestCase("-0.1")]
    [TestCase("1.5")]
    [TestCase("NaN")]
    public void AShareOutsideZeroToOneIsAUsageErrorAndWritesNothing(string share)
    {
        using var folder = new TemporaryFolder();
        string mask = folder.File("mask.nii.gz");
        var run = CliRunner.Expect(ExitCodes.UsageError, "segment", RepositoryPaths.SharedData("lctsc", "Case_009_ct.nii.gz"),
            "-o", mask, "--min-aerated-share", share);
        Assert.That(run.ErrorLines.Single(), Does.Contain("--min-aerated-share").And.Contain("between 0 and 1"), run.ToString());
        Assert.That(Directory.GetFiles(folder.Path), Is.Empty, "nothing written");
    }

    [Test]
    public void TheGuardWithoutPostprocessingIsAUsageError()
    {
        using var folder = new TemporaryFolder();
        var phantom = Phantoms.Make(folder, "p", "32x32x8");
        var run = CliRunner.Expect(ExitCodes.UsageError, "segment", phantom.Ct, "-o", folder.File("m.nii.gz"),
            "--min-aerated-share", "0.05", "--no-postprocess");
        Assert.That(run.ErrorLines.Single(), Does.Contain("--min-aerated-share").And.Contain("--no-postprocess"), run.ToString());
        Assert.That(File.Exists(folder.File("m.nii.gz")), Is.False);
    }
}
