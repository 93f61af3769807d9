using NativeSeg.Model.Weights;
using NativeSeg.Tests.Shared;

namespace NativeSeg.Cli.Tests;

/// <summary>`nativeseg recalibrate-bn`: the shipped weights with statistics measured on two phantoms, and the refusals.</summary>
public sealed class RecalibrateBatchNormTests
{
    [Test]
    public void OnlyTheRunningStatisticsChangeAndTheFileSaysHow()
    {
        using var folder = new TemporaryFolder();
        var a = Phantoms.Make(folder, "a", "48x48x8", seed: 5);
        var b = Phantoms.Make(folder, "b", "48x48x8", seed: 6);
        string manifest = Phantoms.WriteManifest(folder, "set.json",
            Phantoms.NormalCase("a", "A", a),
            Phantoms.NormalCase("b", "B", b));
        string output = folder.File("recalibrated.safetensors");

        var run = CliRunner.Expect(ExitCodes.Success, "recalibrate-bn", RepositoryPaths.ShippedWeights, manifest, "-o", output, "--window", "64x64", "--batch-size", "4", "--device", "cpu");

        Assert.That(run.Out, Does.Contain("largest running-mean shift"), run.ToString());
        var shipped = WeightsFile.Load(RepositoryPaths.ShippedWeights);
        var recalibrated = WeightsFile.Load(output);
        foreach (var (name, values) in shipped.NetworkTensors)
        {
            bool statistic = name.EndsWith(".running_mean", StringComparison.Ordinal) || name.EndsWith(".running_var", StringComparison.Ordinal);
            Assert.That(recalibrated.NetworkTensors[name], statistic ? Is.Not.EqualTo(values) : Is.EqualTo(values), name);
        }
        Assert.That(recalibrated.Metadata.Extra[WeightsRecalibration.RecalibrationKey],
            Does.Contain(shipped.RawMetadata["sha256"]).And.Contain("64×64 windows").And.Contain("set.json"));
        CliRunner.Expect(ExitCodes.Success, "segment", a.Ct, "-o", folder.File("a_seg.nii.gz"), "--weights", output, "--device", "cpu");
    }

    [Test]
    public void ABatchOfOneAndAWindowOutsideTheSlicesAreUsageErrorsAndWriteNothing()
    {
        using var folder = new TemporaryFolder();
        var a = Phantoms.Make(folder, "a", "32x32x8");
        string manifest = Phantoms.WriteManifest(folder, "set.json",
            Phantoms.NormalCase("a", "A", a));
        string output = folder.File("out.safetensors");
        CliRunner.Expect(ExitCodes.UsageError, "recalibrate-bn", RepositoryPaths.ShippedWeights, manifest, "-o", output, "--batch-size", "1");
        var window = CliRunner.Expect(ExitCodes.UsageError, "recalibrate-bn", RepositoryPaths.ShippedWeights, manifest, "-o", output, "--window", "512x512", "--batch-size", "2");
        Assert.That(window.ErrorLines.Single(), Does.Contain("--window 512x512"), window.ToString());
        Assert.That(File.Exists(output), Is.False);
    }
}
