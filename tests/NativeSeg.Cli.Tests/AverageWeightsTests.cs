using NativeSeg.Tests.Shared;

namespace NativeSeg.Cli.Tests;

/// <summary>`nativeseg average-weights`: the shipped file averaged with a copy of itself, and the refusals.</summary>
public class AverageWeightsTests
{
    [Test]
    public void TheShippedFileAveragedWithACopyIsItself()
    {
        using var folder = new TemporaryFolder();
        string copy = Path.Combine(folder.Path, "copy.safetensors"), mean = Path.Combine(folder.Path, "mean.safetensors");
        File.Copy(RepositoryPaths.ShippedWeights, copy);
        var result = CliRunner.Expect(ExitCodes.Success, "average-weights", RepositoryPaths.ShippedWeights, copy, "-o", mean);
        Assert.That(result.Out, Does.Contain("the mean of 2 weights files"), result.ToString());
        var shipped = NativeSeg.Model.Weights.WeightsFile.Load(RepositoryPaths.ShippedWeights);
        var averaged = NativeSeg.Model.Weights.WeightsFile.Load(mean);
        foreach (var (name, values) in shipped.NetworkTensors)
            Assert.That(averaged.NetworkTensors[name], Is.EqualTo(values), name);
        Assert.That(averaged.Metadata.Extra["averaged_from"], Does.Contain(shipped.RawMetadata["sha256"]));
        Assert.That(Directory.GetFiles(folder.Path).Select(Path.GetFileName), Is.EquivalentTo(new[] { "copy.safetensors", "mean.safetensors" }), "no temporary left");
    }

    [Test]
    public void OneFileIsAUsageErrorAndACorruptOneIsNamed()
    {
        using var folder = new TemporaryFolder();
        string mean = Path.Combine(folder.Path, "mean.safetensors");
        CliRunner.Expect(ExitCodes.UsageError, "average-weights", RepositoryPaths.ShippedWeights, "-o", mean);
        string corrupt = Path.Combine(folder.Path, "corrupt.safetensors");
        File.WriteAllBytes(corrupt, File.ReadAllBytes(RepositoryPaths.ShippedWeights)[..4096]);
        var result = CliRunner.Run("average-weights", RepositoryPaths.ShippedWeights, corrupt, "-o", mean);
        Assert.That(result.ExitCode, Is.Not.EqualTo(ExitCodes.Success));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines[0], Does.Contain("corrupt.safetensors"), result.ToString());
        Assert.That(File.Exists(mean), Is.False, "no output for a failed average");
    }
}
