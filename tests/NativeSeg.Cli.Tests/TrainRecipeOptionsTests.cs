namespace NativeSeg.Cli.Tests;

/// <summary>
/// `train --lr-schedule`, `--warmup-steps`, `--oversample-pleural`, `--uncertain-dense-edges` and `--keep-adam-moments` (without `--init-weights`): bad values are usage errors (exit 2) found
/// before any data is read, and the chosen recipe is printed at the start of the run.
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
    [TestCase("--keep-adam-moments", null, "--init-weights")]
    [TestCase("--augment-noise", "-5", "--augment-noise")]
    [TestCase("--augment-blur", "9", "--augment-blur")]
    [TestCase("--slice-context", "25", "--slice-context")]
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
}
