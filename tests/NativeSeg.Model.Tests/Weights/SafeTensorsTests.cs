using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using NativeSeg.IO;
using NativeSeg.Model.Network;
using NativeSeg.Model.Weights;

namespace NativeSeg.Model.Tests.Weights;

public class SafeTensorsTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "nativeseg-model-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void FileLayoutFollowsTheSpecification()
    {
        var file = new SafeTensorsFile([new SafeTensor("a", [2, 3], [1, 2, 3, 4, 5, 6]), new SafeTensor("b", [1], [-7.5f])],
            new Dictionary<string, string> { ["k"] = "v" });
        string path = Path.Combine(_folder, "x.safetensors");
        file.Save(path);
        var bytes = File.ReadAllBytes(path);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.That(headerLength % 8, Is.EqualTo(0UL), "header padded to 8 bytes");
        using var json = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength).TrimEnd(' '));
        var root = json.RootElement;
        Assert.That(root.GetProperty("__metadata__").GetProperty("k").GetString(), Is.EqualTo("v"));
        Assert.That(root.GetProperty("a").GetProperty("dtype").GetString(), Is.EqualTo("F32"));
        Assert.That(root.GetProperty("a").GetProperty("data_offsets")[1].GetInt32(), Is.EqualTo(24));
        Assert.That(root.GetProperty("b").GetProperty("data_offsets")[0].GetInt32(), Is.EqualTo(24));
        Assert.That(bytes.Length, Is.EqualTo(8 + (int)headerLength + 28));
        Assert.That(BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + (int)headerLength + 24)), Is.EqualTo(-7.5f));
        Assert.That(Directory.GetFiles(_folder), Has.Length.EqualTo(1), "no temporary file left behind");

        var loaded = SafeTensorsFile.Load(path);
        Assert.That(loaded["a"].Data, Is.EqualTo(new float[] { 1, 2, 3, 4, 5, 6 }));
        Assert.That(loaded["a"].Shape, Is.EqualTo(new[] { 2, 3 }));
        Assert.That(loaded.Metadata["k"], Is.EqualTo("v"));
    }

    [Test]
    public void WeightsRoundTripExactlyWithMetadata()
    {
        using var backend = TestNetworks.Reference();
        using var network = HighResNet2D.CreateInitialised(backend, HighResNetConfiguration.Lung, 3);
        string path = Path.Combine(_folder, "w.safetensors");
        WeightsFile.Save(path, network, new WeightsMetadata { TrainingData = "LCTSC 4 cases" });
        var (loaded, file) = WeightsFile.LoadNetwork(path, backend);
        using var _ = loaded;
        var before = network.ExportTensors();
        var after = loaded.ExportTensors();
        foreach (var (name, values) in before)
            Assert.That(after[name], Is.EqualTo(values), name);
        Assert.That(file.Metadata.TrainingData, Is.EqualTo("LCTSC 4 cases"));
        Assert.That(file.Metadata.ClassNames, Is.EqualTo(new[] { "background", "lung" }));
        Assert.That(file.RawMetadata["sha256"], Has.Length.EqualTo(64));
        Assert.That(file.RawMetadata["architecture"], Is.EqualTo("HighResNet2D"));
    }

    [Test]
    public void CorruptTensorBytesFailTheChecksum()
    {
        string path = SaveLungWeights();
        var bytes = File.ReadAllBytes(path);
        bytes[^5] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidInputException>(() => WeightsFile.Load(path));
        Assert.That(e!.Path, Is.EqualTo(path));
        Assert.That(e.Message, Does.Contain("SHA-256"));
    }

    [Test]
    public void TruncatedFileIsRejected()
    {
        string path = SaveLungWeights();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^100]);
        var e = Assert.Throws<InvalidInputException>(() => WeightsFile.Load(path));
        Assert.That(e!.Message, Does.Contain(path).And.Contain("truncated"));
    }

    [Test]
    public void GarbageIsRejected()
    {
        string path = Path.Combine(_folder, "garbage.safetensors");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("not a weights file at all, just text"));
        Assert.Throws<InvalidInputException>(() => WeightsFile.Load(path));
        Assert.Throws<InvalidInputException>(() => WeightsFile.Load(Path.Combine(_folder, "missing.safetensors")));
    }

    [Test]
    public void WrongShapeMissingTensorAndWrongDtypeAreRejected()
    {
        string path = Path.Combine(_folder, "bad.safetensors");
        var shapes = WeightsFile.ExpectedShapes(HighResNetConfiguration.Lung);
        SafeTensor Make(string name, int[] shape) => new(name, shape, new float[shape.Aggregate(1, (a, b) => a * b)]);
        var metadata = new Dictionary<string, string> { ["architecture"] = "HighResNet2D", ["input_channels"] = "1", ["classes"] = "background,lung" };

        void Write(IEnumerable<SafeTensor> tensors)
        {
            var list = tensors.ToList();
            metadata["sha256"] = SafeTensorsFile.ChecksumOf(list);
            new SafeTensorsFile(list, metadata).Save(path);
        }

        Write(shapes.Select(p => p.Key == "res_2.0.conv1.weight" ? Make(p.Key, [32, 32, 3, 3]) : Make(p.Key, p.Value)));
        Assert.That(Assert.Throws<InvalidInputException>(() => WeightsFile.Load(path))!.Message, Does.Contain("res_2.0.conv1.weight"));

        Write(shapes.Where(p => p.Key != "conv_1.bn.running_var").Select(p => Make(p.Key, p.Value)));
        Assert.That(Assert.Throws<InvalidInputException>(() => WeightsFile.Load(path))!.Message, Does.Contain("conv_1.bn.running_var"));

        Write(shapes.Select(p => Make(p.Key, p.Value)).Append(Make("extra.weight", [1])));
        Assert.That(Assert.Throws<InvalidInputException>(() => WeightsFile.Load(path))!.Message, Does.Contain("extra.weight"));

        Write(shapes.Select(p => Make(p.Key, p.Value)));
        Assert.DoesNotThrow(() => WeightsFile.Load(path));
        var text = File.ReadAllBytes(path);
        int at = Encoding.ASCII.GetString(text).IndexOf("\"F32\"", StringComparison.Ordinal);
        text[at + 1] = (byte)'I'; // "I32"
        File.WriteAllBytes(path, text);
        Assert.That(Assert.Throws<InvalidInputException>(() => WeightsFile.Load(path))!.Message, Does.Contain("dtype"));
    }

    private string SaveLungWeights()
    {
        using var backend = TestNetworks.Reference();
        using var network = HighResNet2D.CreateInitialised(backend, HighResNetConfiguration.Lung, 3);
        string path = Path.Combine(_folder, "lung.safetensors");
        WeightsFile.Save(path, network, new WeightsMetadata());
        return path;
    }
}
