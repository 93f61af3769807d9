using NativeSeg.IO.Nifti;
using NativeSeg.Model.Weights;
using NativeSeg.Tests.Shared;

namespace NativeSeg.Cli.Tests;

/// <summary>
/// `train --slice-context MM --init-weights SINGLE-SLICE`: the shipped network is widened to see the CT MM below and
/// above each slice, trains, and `segment` prepares the neighbours for it from the weights' metadata alone. With a
/// learning rate too small to move a float32 weight and the batch-norm statistics held, the widened network must give
/// the shipped network's mask voxel for voxel on real CT (its new input channels are weighted zero).
/// </summary>
public class SliceContextTrainingTests
{
    [Test]
    public void AWidenedShippedNetworkSegmentsAsTheShippedOne()
    {
        using var folder = new TemporaryFolder();
        var cases = new List<object>();
        for (int i = 1; i <= 2; i++)
            cases.Add(Phantoms.NormalCase($"case_{i}", $"P{i}", Phantoms.Make(folder, $"p{i}", "32x32x8", seed: (ulong)i)));
        string manifest = Phantoms.WriteManifest(folder, "train.json", [.. cases]);
        string run = folder.File("run");
        var train = CliRunner.Expect(ExitCodes.Success, "train", manifest, "-o", run, "--device", "cpu", "--window", "16x16", "--batch-size", "2",
            "--epochs", "1", "--seed", "1", "--init-weights", RepositoryPaths.ShippedWeights, "--slice-context", "5", "--hold-bn-statistics", "--lr", "1e-12",
            "--max-steps", "1");
        string checkpoint = Path.Combine(run, "checkpoint.safetensors");
        var file = WeightsFile.Load(checkpoint);
        Assert.That(file.Configuration.InputChannels, Is.EqualTo(3), train.ToString());
        Assert.That(file.Metadata.SliceContext.OffsetMm, Is.EqualTo(5));

        string slab = RealSeries.CopyCase009(folder.File("slab"), 45, 12);
        string widenedMask = folder.File("widened.nii.gz"), shippedMask = folder.File("shipped.nii.gz");
        CliRunner.Expect(ExitCodes.Success, "segment", slab, "-o", widenedMask, "--weights", checkpoint, "--device", "cpu", "-q");
        CliRunner.Expect(ExitCodes.Success, "segment", slab, "-o", shippedMask, "--weights", RepositoryPaths.ShippedWeights, "--device", "cpu", "-q");
        var widened = NiftiReader.ReadMask(widenedMask).Voxels;
        var shipped = NiftiReader.ReadMask(shippedMask).Voxels;
        Assert.That(shipped.Count(v => v != 0), Is.GreaterThan(10_000), "the slab holds lung");
        Assert.That(widened, Is.EqualTo(shipped));
    }

    [Test]
    public void ResumingWithoutTheSameContextIsRefused()
    {
        using var folder = new TemporaryFolder();
        var phantom = Phantoms.Make(folder, "p1", "32x32x8", seed: 1);
        string manifest = Phantoms.WriteManifest(folder, "train.json", Phantoms.NormalCase("case_1", "P1", phantom),
            Phantoms.NormalCase("case_2", "P2", Phantoms.Make(folder, "p2", "32x32x8", seed: 2)));
        string run = folder.File("run");
        string[] train = ["train", manifest, "-o", run, "--device", "cpu", "--window", "16x16", "--batch-size", "2", "--epochs", "1", "--seed", "1"];
        CliRunner.Expect(ExitCodes.Success, [.. train, "--slice-context", "3", "--max-steps", "1"]);
        var resumed = CliRunner.Expect(ExitCodes.InvalidInput, [.. train, "--resume"]);
        Assert.That(resumed.ErrorLines.Single(), Does.Contain("checkpoint.safetensors").And.Contain("3 mm"), resumed.ToString());
    }
}
