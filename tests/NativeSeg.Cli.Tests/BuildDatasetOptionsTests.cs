namespace NativeSeg.Cli.Tests;

/// <summary>`build-dataset --effusion-share`: a share outside [0, 1] is a usage error (exit 2) before anything is read or written.</summary>
public class BuildDatasetOptionsTests
{
    [TestCase("1.5")]
    [TestCase("-0.1")]
    [TestCase("NaN")]
    public void AnEffusionShareOutsideZeroToOneIsAUsageError(string share)
    {
        using var folder = new TemporaryFolder();
        string output = Path.Combine(folder.Path, "set");
        var result = CliRunner.Expect(ExitCodes.UsageError,
            ["build-dataset", "--shared", Path.Combine(folder.Path, "missing-shared"), "-o", output, "--effusion-share", share]);
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines[0], Does.Contain("--effusion-share"), result.ToString());
        Assert.That(Directory.Exists(output), Is.False, "nothing is created for a usage error");
    }
}
