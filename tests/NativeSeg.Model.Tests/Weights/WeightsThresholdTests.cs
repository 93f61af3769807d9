using NativeSeg.Engine.Cpu;
using NativeSeg.IO;
using NativeSeg.Model.Network;
using NativeSeg.Model.Weights;

namespace NativeSeg.Model.Tests.Weights;

/// <summary>The decision threshold a weights file carries: written, read back, refused when it cannot cut.</summary>
public class WeightsThresholdTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => Directory.CreateDirectory(_folder = Path.Combine(Path.GetTempPath(), "nativeseg-threshold-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void SettingTheThresholdKeepsTheTensorsAndReadsBack()
    {
        string source = Write("source"), set = Path.Combine(_folder, "set.safetensors");
        WeightsThreshold.Set(source, 0.6f, set);

        var before = WeightsFile.Load(source);
        var after = WeightsFile.Load(set);
        Assert.That(before.Metadata.DecisionThreshold, Is.Null, "a file that names none");
        Assert.That(before.Metadata.ThresholdOr(null), Is.EqualTo(0.5f), "cuts at the argmax");
        Assert.That(after.Metadata.ThresholdOr(null), Is.EqualTo(0.6f));
        Assert.That(after.Metadata.ThresholdOr(0.3f), Is.EqualTo(0.3f), "a requested threshold wins");
        Assert.That(after.Metadata.DecisionThreshold, Is.EqualTo(0.6f));
        Assert.That(after.RawMetadata["decision_threshold"], Is.EqualTo("0.6"), "written as the shortest text that reads back");
        Assert.That(after.Metadata.Extra[WeightsThreshold.SourceKey], Does.Contain("source.safetensors").And.Contain(before.RawMetadata["sha256"]));
        Assert.That(after.RawMetadata["sha256"], Is.EqualTo(before.RawMetadata["sha256"]), "the same tensors");
        foreach (var (name, values) in before.NetworkTensors)
            Assert.That(after.NetworkTensors[name], Is.EqualTo(values), name);
        Assert.That(after.Metadata.TrainingData, Is.EqualTo(before.Metadata.TrainingData));

        // A file made from it (an average) keeps the threshold; setting it again replaces it.
        string again = Path.Combine(_folder, "again.safetensors");
        WeightsThreshold.Set(set, 0.45f, again);
        Assert.That(WeightsFile.Load(again).Metadata.DecisionThreshold, Is.EqualTo(0.45f));
        string mean = Path.Combine(_folder, "mean.safetensors");
        WeightsAveraging.Average([set, set], mean);
        Assert.That(WeightsFile.Load(mean).Metadata.DecisionThreshold, Is.EqualTo(0.6f));
    }

    [TestCase("0")]
    [TestCase("1")]
    [TestCase("1.5")]
    [TestCase("-0.2")]
    [TestCase("NaN")]
    [TestCase("half")]
    public void AFileWhoseThresholdCannotCutIsRefusedNamingIt(string text)
    {
        string source = Write("source");
        var raw = SafeTensorsFile.Load(source);
        var metadata = new Dictionary<string, string>(raw.Metadata) { ["decision_threshold"] = text };
        string bad = Path.Combine(_folder, "bad.safetensors");
        new SafeTensorsFile(raw.Tensors, metadata).Save(bad);

        var e = Assert.Throws<InvalidInputException>(() => WeightsFile.Load(bad))!;
        Assert.That(e.Message, Does.Contain("bad.safetensors").And.Contain("decision_threshold"));
        // The value found, right after the key (a bare "0" or "1" would also match digits in the temporary path).
        Assert.That(e.Message, Does.Match($"decision_threshold:? '?{System.Text.RegularExpressions.Regex.Escape(text)}'? is not"), "the value that was found");
    }

    [TestCase(0f)]
    [TestCase(1f)]
    [TestCase(float.NaN)]
    public void SettingAThresholdThatCannotCutIsRefusedAndWritesNothing(float threshold)
    {
        string source = Write("source"), set = Path.Combine(_folder, "set.safetensors");
        Assert.Throws<ArgumentOutOfRangeException>(() => WeightsThreshold.Set(source, threshold, set));
        Assert.That(File.Exists(set), Is.False);
    }

    private string Write(string name)
    {
        string path = Path.Combine(_folder, name + ".safetensors");
        using var backend = new CpuBackend(1);
        using var network = HighResNet2D.CreateInitialised(backend, HighResNetConfiguration.Lung, seed: 3);
        WeightsFile.Save(path, network, new WeightsMetadata { TrainingData = "test " + name });
        return path;
    }
}
