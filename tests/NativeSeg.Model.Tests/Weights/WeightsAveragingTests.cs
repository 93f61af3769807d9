using NativeSeg.Imaging.Preprocessing;
using NativeSeg.Engine.Cpu;
using NativeSeg.IO;
using NativeSeg.Model.Network;
using NativeSeg.Model.Training;
using NativeSeg.Model.Weights;

namespace NativeSeg.Model.Tests.Weights;

public class WeightsAveragingTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => Directory.CreateDirectory(_folder = Path.Combine(Path.GetTempPath(), "nativeseg-averaging-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void EveryTensorIsTheMeanOfTheFiles()
    {
        string a = Write("a", HighResNetConfiguration.Lung, seed: 1), b = Write("b", HighResNetConfiguration.Lung, seed: 2), c = Write("c", HighResNetConfiguration.Lung, seed: 3);
        string mean = Path.Combine(_folder, "mean.safetensors");
        WeightsAveraging.Average([a, b, c], mean);

        var files = new[] { a, b, c }.Select(WeightsFile.Load).ToList();
        var averaged = WeightsFile.Load(mean);
        Assert.That(averaged.NetworkTensors.Keys, Is.EquivalentTo(files[0].NetworkTensors.Keys));
        foreach (var (name, values) in averaged.NetworkTensors)
            for (int i = 0; i < values.Length; i += 97)
            {
                double expected = files.Sum(f => (double)f.NetworkTensors[name][i]) / 3;
                Assert.That(values[i], Is.EqualTo(expected).Within(1e-6 + 1e-6 * Math.Abs(expected)), $"{name}[{i}]");
            }
        Assert.That(averaged.Metadata.Extra[WeightsAveraging.SourcesKey], Does.Contain("a.safetensors").And.Contain("c.safetensors"));
    }

    [Test]
    public void ACheckpointAveragesAsWeightsAndLeavesItsOptimiserBehind()
    {
        var data = NativeSeg.Model.Tests.Training.TrainerTests.TinyData(8);
        using var backend = new CpuBackend();
        var options = new TrainerOptions { OutputDirectory = Path.Combine(_folder, "run"), Epochs = 1, BatchSize = 2, ValidationFraction = 0.25, Seed = 5, LearningRate = 0.01f };
        var run = new Trainer(backend, options).Train(data);
        string mean = Path.Combine(_folder, "mean.safetensors");
        WeightsAveraging.Average([run.CheckpointPath, run.CheckpointPath], mean);

        var averaged = WeightsFile.Load(mean);
        var source = WeightsFile.Load(run.CheckpointPath);
        foreach (var (name, values) in source.NetworkTensors)
            Assert.That(averaged.NetworkTensors[name], Is.EqualTo(values), $"the mean of a file with itself is the file: {name}");
        Assert.That(averaged.ExtraTensors, Is.Empty, "no Adam moments");
        Assert.That(averaged.RawMetadata.ContainsKey(Checkpoint.KindKey) || averaged.RawMetadata.ContainsKey(Checkpoint.StateKey), Is.False);
        Assert.That(averaged.Metadata.TrainingData, Is.EqualTo(source.Metadata.TrainingData));
    }

    [Test]
    public void DifferentNetworksAreRefusedNamingTheFile()
    {
        string lung = Write("lung", HighResNetConfiguration.Lung, seed: 1);
        string three = Write("three", new HighResNetConfiguration(1, 3), seed: 1);
        var e = Assert.Throws<InvalidInputException>(() => WeightsAveraging.Average([lung, three], Path.Combine(_folder, "x.safetensors")))!;
        Assert.That(e.Message, Does.Contain("three.safetensors"));
        Assert.That(File.Exists(Path.Combine(_folder, "x.safetensors")), Is.False);
    }

    [Test]
    public void NetworksThatSeeDifferentNeighboursAreRefused()
    {
        var threeChannels = new HighResNetConfiguration(3, 2);
        string near = Write("near", threeChannels, seed: 1, new SliceContext(3));
        string far = Write("far", threeChannels, seed: 2, new SliceContext(5));
        var e = Assert.Throws<InvalidInputException>(() => WeightsAveraging.Average([near, far], Path.Combine(_folder, "x.safetensors")))!;
        Assert.That(e.Message, Does.Contain("far.safetensors").And.Contain("5 mm"));
        WeightsAveraging.Average([far, far], Path.Combine(_folder, "same.safetensors"));
        Assert.That(WeightsFile.Load(Path.Combine(_folder, "same.safetensors")).Metadata.SliceContext, Is.EqualTo(new SliceContext(5)));
    }

    private string Write(string name, HighResNetConfiguration configuration, ulong seed, SliceContext context = default)
    {
        string path = Path.Combine(_folder, name + ".safetensors");
        using var backend = new CpuBackend(1);
        using var network = HighResNet2D.CreateInitialised(backend, configuration, seed);
        var classes = Enumerable.Range(0, configuration.Classes).Select(c => c == 0 ? "background" : $"class{c}").ToList();
        WeightsFile.Save(path, network, new WeightsMetadata { InputChannels = configuration.InputChannels, ClassNames = classes, TrainingData = "test " + name, SliceContext = context });
        return path;
    }
}
