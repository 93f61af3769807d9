using NativeSeg.Engine.Cpu;
using NativeSeg.Model.Export;
using NativeSeg.Model.Network;
using NativeSeg.Model.Randomness;

namespace NativeSeg.Model.Tests.Export;

/// <summary>
/// The ONNX export parsed back with the tests' own protobuf reader: model header, node list and order, every
/// initializer's name, shape and bytes, the attributes that carry the architecture (dilations, pads, centred skip
/// padding), the graph's input and output, and, through a float64 interpreter of the parsed graph, the same logits
/// and probabilities as the network's inference forward on a small batch.
/// </summary>
public class OnnxExporterTests
{
    private static HighResNet2D NewNetwork(HighResNetConfiguration configuration, ulong seed)
    {
        var network = HighResNet2D.CreateInitialised(new CpuBackend(1), configuration, seed);
        RandomiseBatchNorms(network, seed + 1);
        return network;
    }

    /// <summary>γ, β, running mean and variance away from their initial 1, 0, 0, 1, so BN's arguments cannot be swapped unnoticed.</summary>
    private static void RandomiseBatchNorms(HighResNet2D network, ulong seed)
    {
        var random = new SeededRandom(seed);
        var tensors = network.ExportTensors();
        foreach (var tensor in network.Tensors)
        {
            var values = tensors[tensor.Name];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = tensor.Role switch
                {
                    ModelTensorRole.BatchNormScale => (float)random.NextDouble(0.7, 1.3),
                    ModelTensorRole.BatchNormOffset => (float)random.NextDouble(-0.2, 0.2),
                    ModelTensorRole.RunningMean => (float)random.NextDouble(-0.3, 0.3),
                    ModelTensorRole.RunningVariance => (float)random.NextDouble(0.5, 2.0),
                    _ => values[i],
                };
            }
        }
        network.ImportTensors(tensors);
    }

    [Test]
    public void ProtobufWriterEncodesTheWireFormat()
    {
        var writer = new ProtobufWriter();
        writer.WriteInt64(1, 150);            // the protobuf documentation's example: 08 96 01
        writer.WriteInt64(2, -1);             // int64 −1: ten bytes
        writer.WriteString(3, "testing");     // 1a 07 74 65 73 74 69 6e 67
        writer.WriteFloat(4, 1f);             // 25 00 00 80 3f
        writer.WriteRepeatedInt64(5, [300]);  // 28 ac 02
        Assert.That(Convert.ToHexStringLower(writer.ToArray()), Is.EqualTo(
            "089601" + "10ffffffffffffffffff01" + "1a0774657374696e67" + "250000803f" + "28ac02"));
    }

    [Test]
    public void ExportedGraphHasTheHighResNetStructure()
    {
        using var network = NewNetwork(new HighResNetConfiguration(InputChannels: 2, Classes: 3), seed: 11);
        var model = OnnxModelView.Parse(OnnxExporter.ToBytes(network));

        Assert.That(model.IrVersion, Is.EqualTo(8));
        Assert.That(model.Opsets, Is.EqualTo(new[] { ("", 17L) }));
        Assert.That(model.ProducerName, Is.EqualTo("NativeSeg"));

        var counts = model.Nodes.GroupBy(n => n.OpType).ToDictionary(g => g.Key, g => g.Count());
        Assert.That(counts, Is.EquivalentTo(new Dictionary<string, int>
        {
            ["Conv"] = 21, ["BatchNormalization"] = 21, ["Relu"] = 20, ["Pad"] = 2, ["Add"] = 9, ["Softmax"] = 1,
        }));
        Assert.That(model.Nodes, Has.Count.EqualTo(74));

        // Topological order: each node reads only the input, initialisers, or outputs of earlier nodes.
        var defined = new HashSet<string>(model.Initializers.Keys) { OnnxExporter.InputName };
        foreach (var node in model.Nodes)
        {
            Assert.That(node.Inputs, Is.SubsetOf(defined), $"node {node.Name} reads an undefined value");
            Assert.That(node.Outputs, Has.Count.EqualTo(1));
            Assert.That(defined.Add(node.Outputs[0]), Is.True, $"{node.Outputs[0]} defined twice");
        }
        Assert.That(model.Nodes[0].OpType, Is.EqualTo("Conv"));
        Assert.That(model.Nodes[0].Inputs, Is.EqualTo(new[] { "input", "conv_0.conv.weight" }));
        Assert.That(model.Nodes[^1].OpType, Is.EqualTo("Softmax"));
        Assert.That(model.Nodes[^1].Outputs, Is.EqualTo(new[] { "probabilities" }));
        Assert.That(model.Nodes[^1].Attributes["axis"].I, Is.EqualTo(1));

        Assert.That(model.Inputs.Single(), Is.EqualTo(new OnnxValueView("input", 1, ["N", "2", "216", "296"])).Using<OnnxValueView>(SameValue));
        Assert.That(model.Outputs.Single(), Is.EqualTo(new OnnxValueView("probabilities", 1, ["N", "3", "216", "296"])).Using<OnnxValueView>(SameValue));
    }

    [Test]
    public void TheDecisionThresholdTravelsInTheMetadataPropsAndTheDocString()
    {
        using var network = NewNetwork(HighResNetConfiguration.Lung, seed: 5);
        var plain = OnnxModelView.Parse(OnnxExporter.ToBytes(network));
        var cut = OnnxModelView.Parse(OnnxExporter.ToBytes(network, decisionThreshold: 0.6f));

        Assert.That(plain.MetadataProps, Is.Empty);
        Assert.That(plain.DocString, Does.Not.Contain("lung probability is >="));
        Assert.That(cut.MetadataProps, Is.EqualTo(new Dictionary<string, string> { ["decision_threshold"] = "0.6" }));
        Assert.That(cut.DocString, Does.Contain("A pixel is lung where the lung probability is >= 0.6 (decision_threshold)."));
        Assert.That(cut.Nodes, Has.Count.EqualTo(plain.Nodes.Count), "the graph itself is the same");
    }

    [Test]
    public void InitialisersCarryEveryNamedTensorBitForBit()
    {
        using var network = NewNetwork(HighResNetConfiguration.Lung, seed: 5);
        var model = OnnxModelView.Parse(OnnxExporter.ToBytes(network));
        var weights = network.ExportTensors();

        Assert.That(model.Initializers.Keys, Is.EquivalentTo(network.Tensors.Select(t => t.Name).Append("res_2.0.skip_pads").Append("res_3.0.skip_pads")));
        foreach (var tensor in network.Tensors)
        {
            var initializer = model.Initializers[tensor.Name];
            Assert.That(initializer.Dims, Is.EqualTo(tensor.Shape.Dimensions.ToArray().Select(d => (long)d)), tensor.Name);
            Assert.That(initializer.Floats(), Is.EqualTo(weights[tensor.Name]), tensor.Name);
        }
        // The centred skip padding: 16→32 puts the input at channels 8..23, 32→64 at 16..47.
        Assert.That(model.Initializers["res_2.0.skip_pads"].Longs(), Is.EqualTo(new long[] { 0, 8, 0, 0, 0, 8, 0, 0 }));
        Assert.That(model.Initializers["res_3.0.skip_pads"].Longs(), Is.EqualTo(new long[] { 0, 16, 0, 0, 0, 16, 0, 0 }));
    }

    [TestCase("conv_0/conv", 3, 1, 1)]
    [TestCase("res_1.2/conv2", 3, 1, 1)]
    [TestCase("res_2.0/conv1", 3, 2, 2)]
    [TestCase("res_3.1/conv1", 3, 4, 4)]
    [TestCase("conv_1/conv", 1, 1, 0)]
    [TestCase("conv_2/conv", 1, 1, 0)]
    public void ConvolutionsKeepKernelDilationAndSamePadding(string node, int kernel, int dilation, int pad)
    {
        using var network = NewNetwork(HighResNetConfiguration.Lung, seed: 3);
        var conv = OnnxModelView.Parse(OnnxExporter.ToBytes(network)).Nodes.Single(n => n.Name == node);
        Assert.That(conv.OpType, Is.EqualTo("Conv"));
        Assert.That(conv.Attributes["kernel_shape"].Ints, Is.EqualTo(new long[] { kernel, kernel }));
        Assert.That(conv.Attributes["dilations"].Ints, Is.EqualTo(new long[] { dilation, dilation }));
        Assert.That(conv.Attributes["pads"].Ints, Is.EqualTo(new long[] { pad, pad, pad, pad }));
        Assert.That(conv.Attributes.ContainsKey("group"), Is.False);
    }

    [Test]
    public void BatchNormsRunInInferenceModeWithTheRunningStatistics()
    {
        using var network = NewNetwork(HighResNetConfiguration.Lung, seed: 3);
        var bn = OnnxModelView.Parse(OnnxExporter.ToBytes(network)).Nodes.Single(n => n.Name == "res_2.1/bn1");
        Assert.That(bn.Inputs, Is.EqualTo(new[] { "res_2.0/add", "res_2.1.bn1.weight", "res_2.1.bn1.bias", "res_2.1.bn1.running_mean", "res_2.1.bn1.running_var" }));
        Assert.That(bn.Attributes["epsilon"].F, Is.EqualTo(1e-5f));
        Assert.That(bn.Attributes["training_mode"].I, Is.EqualTo(0));
    }

    /// <summary>The parsed graph, interpreted in float64, gives the network's own inference logits and probabilities.</summary>
    [Test]
    public void ExportedGraphComputesTheNetworksInference()
    {
        const int batch = 2, height = 8, width = 8;
        using var network = NewNetwork(HighResNetConfiguration.Lung, seed: 21);
        var (input, _) = TestNetworks.RandomBatch(batch, height, width, seed: 22);
        var workspace = network.GetWorkspace(batch, height, width);
        network.Backend.Upload(input, workspace.Input);
        network.ForwardInference(workspace);
        network.ComputeProbabilities(workspace);
        var logits = TestNetworks.Download(network.Backend, workspace.Logits);
        var probabilities = TestNetworks.Download(network.Backend, workspace.Probabilities);

        var evaluator = new OnnxGraphEvaluator(OnnxModelView.Parse(OnnxExporter.ToBytes(network, height, width)));
        int[] shape = [batch, 1, height, width];
        var (logitShape, onnxLogits) = evaluator.Run("input", shape, input, "conv_2/bn");
        var (probabilityShape, onnxProbabilities) = evaluator.Run("input", shape, input, "probabilities");

        Assert.That(logitShape, Is.EqualTo(new[] { batch, 2, height, width }));
        Assert.That(probabilityShape, Is.EqualTo(new[] { batch, 2, height, width }));
        double logitScale = onnxLogits.Max(Math.Abs);
        Assert.That(logitScale, Is.GreaterThan(0.1), "logits too small for the comparison to mean anything");
        Assert.That(TestNetworks.RelativeL2(logits, onnxLogits.Select(v => (float)v).ToArray()), Is.LessThan(1e-4));
        Assert.That(probabilities.Zip(onnxProbabilities, (a, b) => Math.Abs(a - b)).Max(), Is.LessThan(1e-4));
    }

    [Test]
    public void ExportWritesTheFileAtomicallyAndReplacesAnOldOne()
    {
        using var network = NewNetwork(HighResNetConfiguration.Lung, seed: 9);
        string folder = Path.Combine(Path.GetTempPath(), $"nativeseg-onnx-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string path = Path.Combine(folder, "model.onnx");
            File.WriteAllText(path, "old content");
            OnnxExporter.Export(network, path);
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(OnnxExporter.ToBytes(network)));
            Assert.That(Directory.GetFiles(folder), Is.EqualTo(new[] { path }), "no temporary file is left behind");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestCase(215, 296)]
    [TestCase(216, 0)]
    public void SpatialSizesNotDivisibleByEightAreRejected(int height, int width)
    {
        using var network = NewNetwork(HighResNetConfiguration.Lung, seed: 1);
        Assert.That(() => OnnxExporter.ToBytes(network, height, width), Throws.ArgumentException.With.Message.Contains("divisible by 8"));
    }

    private static bool SameValue(OnnxValueView a, OnnxValueView b) => a.Name == b.Name && a.ElementType == b.ElementType && a.Dims.SequenceEqual(b.Dims);
}
