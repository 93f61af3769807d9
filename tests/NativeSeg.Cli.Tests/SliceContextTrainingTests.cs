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
        string run = folder.File("run");
        var train = CliRunner.Expect(ExitCodes.Success, [.. TinyTraining.Arguments(TinyTraining.Manifest(folder), run),
            "--init-weights", RepositoryPaths.ShippedWeights, "--slice-context", "5", "--hold-bn-statistics", "--lr", "1e-12", "--max-steps", "1"]);
        string checkpoint = Path.Combine(run, "checkpoint.safetensors");
        var file = WeightsFile.Load(checkpoint);
        Assert.That(file.Configuration.InputChannels, Is.EqualTo(3), train.ToString());
        Assert.That(file.Metadata.SliceContext.OffsetMm, Is.EqualTo(5));

        string slab = RealSeries.CopyCase009(folder.File("slab"), 45, 12);
        string widenedMask = folder.File("widened.nii.gz"), shippedMask = folder.File("shipped.nii.gz");
        // A trained file carries no decision threshold (training writes none); cut it where the shipped file cuts.
        Assert.That(file.Metadata.DecisionThreshold, Is.Null);
        string shippedThreshold = WeightsFile.Load(RepositoryPaths.ShippedWeights).Metadata.ThresholdOr(null).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        CliRunner.Expect(ExitCodes.Success, "segment", slab, "-o", widenedMask, "--weights", checkpoint, "--threshold", shippedThreshold, "--device", "cpu", "-q");
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
        string[] train = TinyTraining.Arguments(TinyTraining.Manifest(folder), folder.File("run"));
        CliRunner.Expect(ExitCodes.Success, [.. train, "--slice-context", "3", "--max-steps", "1"]);
        var resumed = CliRunner.Expect(ExitCodes.InvalidInput, [.. train, "--resume"]);
        Assert.That(resumed.ErrorLines.Single(), Does.Contain("checkpoint.safetensors").And.Contain("3 mm"), resumed.ToString());
    }
}
