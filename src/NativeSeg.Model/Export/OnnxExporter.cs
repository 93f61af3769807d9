using System.Globalization;
using NativeSeg.Model.Network;

namespace NativeSeg.Model.Export;

/// <summary>
/// Writes a <see cref="HighResNet2D"/> with its weights as an ONNX model (IR 8, opset 17) that computes exactly the
/// network's inference mode: batch norm with the running statistics, then the softmax over classes.
/// <para>Input <c>input</c> [N, Cin, height, width] (N dynamic, named "N"; the preprocessed slice, intensities in
/// [0, 1.3]); output <c>probabilities</c> [N, classes, height, width]. Initialisers keep the network's state_dict names
/// (<c>conv_0.conv.weight</c>, <c>res_2.1.bn1.running_var</c>, …); node outputs are named <c>layer/op</c>.</para>
/// <para>Mapping: Conv (no bias, pads = dilation·(K−1)/2: "same"), BatchNormalization (training_mode 0, ε 1e-5),
/// Relu, and per residual block Add(conv2 output, skip) where a widening block's skip is a Pad of the block input on
/// the channel axis with ⌊Δ/2⌋ zero channels in front and the rest behind (NiftyNet's centred padding).</para>
/// </summary>
public static class OnnxExporter
{
    public const string InputName = "input";
    public const string OutputName = "probabilities";
    public const string BatchDimensionName = "N";

    /// <summary>The network input size the preprocessing produces: 216 rows × 296 columns.</summary>
    public const int DefaultHeight = 216;
    public const int DefaultWidth = 296;

    /// <summary>The metadata_props key of the lung probability from which a pixel is lung (the weights' own threshold).</summary>
    public const string DecisionThresholdKey = Weights.WeightsMetadata.DecisionThresholdKey;

    /// <summary>Writes the model to path atomically (a temporary file beside it, then renamed over it).</summary>
    public static void Export(HighResNet2D network, string path, int height = DefaultHeight, int width = DefaultWidth, float? decisionThreshold = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] model = ToBytes(network, height, width, decisionThreshold);
        string full = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(full)!, $".nativeseg-tmp-{Environment.ProcessId}-{Path.GetFileName(full)}.{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(model);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>The serialised ModelProto, with the weights copied from the network's backend. A decision threshold,
    /// when given, goes into the doc string and the metadata_props (<see cref="DecisionThresholdKey"/>): the graph
    /// ends at the probabilities, and the mask the weights were made for is cut at that probability, not at 0.5.</summary>
    public static byte[] ToBytes(HighResNet2D network, int height = DefaultHeight, int width = DefaultWidth, float? decisionThreshold = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        int multiple = HighResNetConfiguration.SpatialMultiple;
        if (height < multiple || width < multiple || height % multiple != 0 || width % multiple != 0)
            throw new ArgumentException($"ONNX export of HighResNet2D needs a height and width divisible by {multiple}, got {height}×{width}.");

        var weights = network.ExportTensors();
        var configuration = network.Configuration;
        var graph = new OnnxGraphBuilder("HighResNet2D");
        foreach (var tensor in network.Tensors)
            graph.AddInitializer(tensor.Name, Dims(tensor.Shape.Dimensions), weights[tensor.Name]);

        string x = graph.AddInput(InputName, OnnxDimension.Symbolic(BatchDimensionName), configuration.InputChannels, height, width);
        x = ConvolutionBatchNorm(graph, network.Stem, x);
        foreach (var block in network.Blocks)
            x = Residual(graph, block, x);
        x = ConvolutionBatchNorm(graph, network.Head, x);
        x = ConvolutionBatchNorm(graph, network.Classifier, x);
        graph.AddNode("Softmax", OutputName, [x], OnnxAttribute.Of("axis", 1L));
        graph.AddOutput(OutputName, OnnxDimension.Symbolic(BatchDimensionName), configuration.Classes, height, width);

        string version = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0";
        string doc = $"HighResNet2D ({configuration.InputChannels} input channel(s), {configuration.Classes} classes), inference mode: " +
            "input = clip((HU + 1000) / 1000, 0, 1.3) on slices resized to the body box; output = softmax probabilities over classes.";
        if (decisionThreshold is not float t)
            return graph.BuildModel("NativeSeg", version, doc);
        string threshold = t.ToString("R", CultureInfo.InvariantCulture);
        return graph.BuildModel("NativeSeg", version, doc + $" A pixel is lung where the lung probability is >= {threshold} ({DecisionThresholdKey}).",
            new Dictionary<string, string> { [DecisionThresholdKey] = threshold });
    }

    /// <summary>conv → BN (→ ReLU): conv_0, conv_1 and the logits layer conv_2.</summary>
    private static string ConvolutionBatchNorm(OnnxGraphBuilder graph, ConvolutionLayer layer, string x)
    {
        string name = layer.Spec.Name;
        x = Convolution(graph, $"{name}/conv", x, layer.Kernel, layer.Spec);
        x = BatchNorm(graph, $"{name}/bn", x, layer.BatchNorm);
        return layer.HasRelu ? graph.AddNode("Relu", $"{name}/relu", [x]) : x;
    }

    /// <summary>y = conv2(ReLU(BN2(conv1(ReLU(BN1(x)))))) + skip, skip = x or x zero-padded on channels, centred.</summary>
    private static string Residual(OnnxGraphBuilder graph, ResidualBlock block, string x)
    {
        string name = block.Spec.Name;
        string y = BatchNorm(graph, $"{name}/bn1", x, block.FirstBatchNorm);
        y = graph.AddNode("Relu", $"{name}/relu1", [y]);
        y = Convolution(graph, $"{name}/conv1", y, block.FirstKernel, block.Spec);
        y = BatchNorm(graph, $"{name}/bn2", y, block.SecondBatchNorm);
        y = graph.AddNode("Relu", $"{name}/relu2", [y]);
        y = Convolution(graph, $"{name}/conv2", y, block.SecondKernel, block.Spec);

        string skip = x;
        int widening = block.Spec.OutChannels - block.Spec.InChannels;
        if (widening != 0)
        {
            // Pad's pads input lists all begins, then all ends, axis by axis (N, C, H, W); mode "constant", value 0.
            long front = widening / 2, back = widening - front;
            string pads = graph.AddInitializer($"{name}.skip_pads", [8], [0, front, 0, 0, 0, back, 0, 0]);
            skip = graph.AddNode("Pad", $"{name}/skip", [x, pads], OnnxAttribute.Of("mode", "constant"));
        }
        return graph.AddNode("Add", $"{name}/add", [y, skip]);
    }

    private static string Convolution(OnnxGraphBuilder graph, string nodeName, string x, ModelTensor kernel, LayerSpec spec)
    {
        int k = spec.Kernel, d = spec.Dilation;
        long pad = d * (k - 1) / 2;
        return graph.AddNode("Conv", nodeName, [x, kernel.Name],
            OnnxAttribute.Of("kernel_shape", k, k),
            OnnxAttribute.Of("dilations", d, d),
            OnnxAttribute.Of("strides", 1L, 1L),
            OnnxAttribute.Of("pads", pad, pad, pad, pad));
    }

    private static string BatchNorm(OnnxGraphBuilder graph, string nodeName, string x, BatchNormParameters bn) =>
        graph.AddNode("BatchNormalization", nodeName,
            [x, bn.Gamma.Name, bn.Beta.Name, bn.RunningMean.Name, bn.RunningVariance.Name],
            OnnxAttribute.Of("epsilon", HighResNetConfiguration.BatchNormEpsilon),
            OnnxAttribute.Of("momentum", 1f - HighResNetConfiguration.BatchNormMomentum),
            OnnxAttribute.Of("training_mode", 0L));

    private static long[] Dims(ReadOnlySpan<int> dimensions)
    {
        var dims = new long[dimensions.Length];
        for (int i = 0; i < dims.Length; i++) dims[i] = dimensions[i];
        return dims;
    }
}
