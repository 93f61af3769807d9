namespace NativeSeg.Cli.Tests;

public sealed class CheckCommandTests
{
    [Test]
    public void Check_OnCpu_AllOperationsPass()
    {
        var result = CliRunner.Expect(ExitCodes.Success, "check", "--device", "cpu", "--seed", "1");
        Assert.That(result.Out, Does.Contain(" 0 failed"));
        Assert.That(result.Out, Does.Contain("seed 1"));
    }
}
