namespace NativeSeg.Cli.Tests;

public sealed class ModelCommandTests
{
    [Test]
    public void Model_PrintsThePaperParameterCount()
    {
        var result = CliRunner.Expect(ExitCodes.Success, "model");
        Assert.That(result.Out, Does.Contain("274,132"));
        Assert.That(result.Err, Is.Empty);
    }
}
