namespace NativeSeg.Cli.Tests;

/// <summary>
/// `train --lr-schedule`, `--warmup-steps`, `--oversample-pleural`, `--uncertain-dense-edges`, `--lung-free-slices`, `--augment-gain`, `--augment-shift`, `--dense-lung-weight`, `--dense-lung-weight-outside`, `--cross-entropy-weight`, `--slice-context` and `--keep-adam-moments` (without `--init-weights`): bad values are usage errors (exit 2) found
/// before any data is read, and the chosen recipe is printed at the start of the run. The intensity jitter and the
/// dense-lung weight reach the trainer's weights (and a resume must keep the weight); `--keep-epoch-weights` keeps every epoch.
/// </summary>
public class TrainRecipeOptionsTests
{
    [TestCase("--lr-schedule", "linear", "--lr-schedule")]
    [TestCase("--lr-schedule", "cosine:1.5", "--lr-schedule")]
    [TestCase("--warmup-steps", "-3", "--warmup-steps")]
    [TestCase("--oversample-pleural", "0", "--oversample-pleural")]
    [TestCase("--oversample-pleural", "99", "--oversample-pleural")]
    [TestCase("--uncertain-dense-edges", "-1", "--uncertain-dense-edges")]
    [TestCase("--uncertain-dense-edges", "9", "--uncertain-dense-edges")]
    [TestCase("--lung-free-slices", "-1", "--lung-free-slices")]
    [TestCase("--lung-free-slices", "1001", "--lung-free-slices")]
    [TestCase("--keep-adam-moments", null, "--init-weights")]
    [TestCase("--augment-noise", "-5", "--augment-noise")]
    [TestCase("--augment-fov-cut", "0.3", "--augment-fov-cut")]
    [TestCase("--augment-fov-cut", "-0.1", "--augment-fov-cut")]
    [TestCase("--augment-blur", "9", "--augment-blur")]
    [TestCase("--slice-context", "25", "--slice-context")]
    [TestCase("--augment-gain", "0.5", "--augment-gain")]
    [TestCase("--augment-gain", "-0.01", "--augment-gain")]
    [TestCase("--augment-shift", "300", "--augment-shift")]
    [TestCase("--dense-lung-weight", "0.5", "--dense-lung-weight")]
    [TestCase("--dense-lung-weight", "101", "--dense-lung-weight")]
    [TestCase("--dense-lung-weight", "NaN", "--dense-lung-weight")]
    [TestCase("--dense-lung-weight-outside", "-1", "--dense-lung-weight-outside")]
    [TestCase("--dense-lung-weight-outside", "17", "--dense-lung-weight-outside")]
    [TestCase("--dense-lung-weight-outside", "4", "--dense-lung-weight above 1")]
    [TestCase("--cross-entropy-weight", "-1", "--cross-entropy-weight")]
    [TestCase("--cross-entropy-weight", "11", "--cross-entropy-weight")]
    [TestCase("--cross-entropy-weight", "NaN", "--cross-entropy-weight")]
    public void BadRecipeValuesAreUsageErrors(string option, string? value, string named)
    {
        using var folder = new TemporaryFolder();
        string manifest = Path.Combine(folder.Path, "missing-manifest.json");
        string[] given = value is null ? [option] : [option, value];
        var result = CliRunner.Expect(ExitCodes.UsageError, ["train", manifest, "-o", Path.Combine(folder.Path, "run"), "--device", "cpu", .. given]);
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines[0], Does.Contain(named), result.ToString());
        Assert.That(Directory.Exists(Path.Combine(folder.Path, "run")), Is.False, "nothing is created for a usage error");
    }

    [Test]
    public void IntensityJitterOptionsReachTheTrainerAndItsWeights()
    {
        using var folder = new TemporaryFolder();
        string output = folder.File("run");
        CliRunner.Expect(ExitCodes.Success,
            [.. TinyTraining.Arguments(TinyTraining.Manifest(folder), output), "--augment-gain", "0", "--augment-shift", "10", "--max-steps", "1"]);
        var checkpoint = NativeSeg.Model.Weights.WeightsFile.Load(Path.Combine(output, "checkpoint.safetensors"));
        Assert.That(checkpoint.Metadata.Extra["trainer"], Does.Contain("MaxIntensityGain = 0,").And.Contain("MaxIntensityShift = 0.01,")
            .And.Contain("MaxRotationDegrees = 5,"), "the jitter is what was asked; rotation and scaling stay the defaults");
    }

    [Test]
    public void TheDenseLungWeightReachesTheTrainerAndAResumeMustKeepIt()
    {
        using var folder = new TemporaryFolder();
        string output = folder.File("run");
        string manifest = TinyTraining.Manifest(folder);
        var run = CliRunner.Expect(ExitCodes.Success, [.. TinyTraining.Arguments(manifest, output, epochs: 2), "--dense-lung-weight", "4", "--max-steps", "1"]);
        Assert.That(run.ToString(), Does.Contain("Dice-NS with dense lung weight ×4"), "the recipe is printed at the start");
        var checkpoint = NativeSeg.Model.Weights.WeightsFile.Load(Path.Combine(output, "checkpoint.safetensors"));
        Assert.That(checkpoint.Metadata.Extra["trainer"], Does.Contain("dense lung weight ×4"));

        var refused = CliRunner.Expect(ExitCodes.InvalidInput, [.. TinyTraining.Arguments(manifest, output, epochs: 2), "--resume"]);
        Assert.That(refused.ToString(), Does.Contain("dense lung weight ×4").And.Contain("a resume must keep them"));
        CliRunner.Expect(ExitCodes.Success, [.. TinyTraining.Arguments(manifest, output, epochs: 2), "--dense-lung-weight", "4", "--resume", "--max-steps", "1"]);
    }

    [Test]
    public void TheWeightBeyondDenseLungReachesTheTrainerAndAResumeMustKeepIt()
    {
        using var folder = new TemporaryFolder();
        string output = folder.File("run");
        string manifest = TinyTraining.Manifest(folder);
        string[] weighted = ["--dense-lung-weight", "4", "--dense-lung-weight-outside", "3"];
        var run = CliRunner.Expect(ExitCodes.Success, [.. TinyTraining.Arguments(manifest, output, epochs: 2), .. weighted, "--max-steps", "1"]);
        Assert.That(run.ToString(), Does.Contain("Dice-NS with dense lung weight ×4, and the non-lung within 3 px of its edge"));
        var checkpoint = NativeSeg.Model.Weights.WeightsFile.Load(Path.Combine(output, "checkpoint.safetensors"));
        Assert.That(checkpoint.Metadata.Extra["trainer"], Does.Contain("non-lung within 3 px"));

        var refused = CliRunner.Expect(ExitCodes.InvalidInput, [.. TinyTraining.Arguments(manifest, output, epochs: 2), "--dense-lung-weight", "4", "--resume"]);
        Assert.That(refused.ToString(), Does.Contain("non-lung within 3 px").And.Contain("a resume must keep them"));
        CliRunner.Expect(ExitCodes.Success, [.. TinyTraining.Arguments(manifest, output, epochs: 2), .. weighted, "--resume", "--max-steps", "1"]);
    }

    [Test]
    public void TheCrossEntropyTermReachesTheTrainerAndAResumeMustKeepIt()
    {
        using var folder = new TemporaryFolder();
        string output = folder.File("run");
        string manifest = TinyTraining.Manifest(folder);
        var run = CliRunner.Expect(ExitCodes.Success, [.. TinyTraining.Arguments(manifest, output, epochs: 2), "--cross-entropy-weight", "0.5", "--max-steps", "1"]);
        Assert.That(run.ToString(), Does.Contain("Loss: Dice-NS + 0.5 × cross-entropy"), "the recipe is printed at the start");
        var checkpoint = NativeSeg.Model.Weights.WeightsFile.Load(Path.Combine(output, "checkpoint.safetensors"));
        Assert.That(checkpoint.Metadata.Extra["trainer"], Does.Contain("cross-entropy ×0.5"));

        var refused = CliRunner.Expect(ExitCodes.InvalidInput, [.. TinyTraining.Arguments(manifest, output, epochs: 2), "--resume"]);
        Assert.That(refused.ToString(), Does.Contain("cross-entropy ×0.5").And.Contain("a resume must keep them"));
        CliRunner.Expect(ExitCodes.Success, [.. TinyTraining.Arguments(manifest, output, epochs: 2), "--cross-entropy-weight", "0.5", "--resume", "--max-steps", "1"]);
    }

    [Test]
    public void KeepEpochWeightsWritesOneFilePerEpoch()
    {
        using var folder = new TemporaryFolder();
        string output = folder.File("run");
        CliRunner.Expect(ExitCodes.Success, [.. TinyTraining.Arguments(TinyTraining.Manifest(folder), output, epochs: 2), "--keep-epoch-weights"]);
        Assert.That(Directory.GetFiles(output, "epoch*.safetensors").Select(Path.GetFileName).Order(),
            Is.EqualTo(new[] { "epoch1.safetensors", "epoch2.safetensors" }));
    }
}
