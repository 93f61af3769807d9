using System.Globalization;
using System.Text;

namespace NativeSeg.Model.Network;

/// <summary>One row of the summary table.</summary>
public sealed record LayerSummary(int Index, string Name, string Operation, int InChannels, int OutChannels, int Kernel, int Dilation, long Parameters);

/// <summary>
/// The layer table of HighResNet2D with its trainable parameter count (kernels, γ and β; running statistics are
/// buffers and not counted), and the receptive field, computed from the architecture rather than written down.
/// </summary>
public sealed class NetworkSummary
{
    public NetworkSummary(HighResNetConfiguration configuration)
    {
        Configuration = configuration;
        var rows = new List<LayerSummary>();
        int receptiveField = 1;
        int index = 1;
        foreach (var layer in HighResNetArchitecture.Layers(configuration))
        {
            int k = layer.Kernel;
            long kernelParameters = (long)layer.OutChannels * layer.InChannels * k * k;
            switch (layer.Kind)
            {
                case LayerKind.ResidualBlock:
                    // Each 3×3 convolution with dilation d widens the field by 2d; a block holds two.
                    long first = 2L * layer.InChannels + kernelParameters;
                    long second = 2L * layer.OutChannels + (long)layer.OutChannels * layer.OutChannels * k * k;
                    rows.Add(new(index++, layer.Name + " a", "BN → ReLU → conv", layer.InChannels, layer.OutChannels, k, layer.Dilation, first));
                    rows.Add(new(index++, layer.Name + " b", "BN → ReLU → conv, + skip", layer.OutChannels, layer.OutChannels, k, layer.Dilation, second));
                    receptiveField += 2 * 2 * (k / 2) * layer.Dilation;
                    break;
                default:
                    string operation = layer.Kind == LayerKind.ConvolutionBatchNormRelu ? "conv → BN → ReLU" : "conv → BN (logits)";
                    rows.Add(new(index++, layer.Name, operation, layer.InChannels, layer.OutChannels, k, layer.Dilation, kernelParameters + 2L * layer.OutChannels));
                    receptiveField += 2 * (k / 2) * layer.Dilation;
                    break;
            }
        }
        Rows = rows;
        ReceptiveField = receptiveField;
    }

    public HighResNetConfiguration Configuration { get; }

    /// <summary>One row per convolution (21 rows).</summary>
    public IReadOnlyList<LayerSummary> Rows { get; }

    public long TotalParameters => Rows.Sum(r => r.Parameters);

    public int ConvolutionCount => Rows.Count;

    /// <summary>Side of the square receptive field in pixels (87 for HighResNet2D).</summary>
    public int ReceptiveField { get; }

    /// <summary>Forward multiply-adds ×2 per pixel (convolutions only).</summary>
    public double ForwardFlopsPerPixel => Rows.Sum(r => 2.0 * r.InChannels * r.OutChannels * r.Kernel * r.Kernel);

    public override string ToString()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"HighResNet2D: {Configuration.InputChannels} input channel(s), {Configuration.Classes} classes");
        text.AppendLine(c, $"{"#",3}  {"layer",-10} {"operation",-26} {"in",4} {"out",4} {"kernel",6} {"dil",4} {"params",9}");
        foreach (var r in Rows)
            text.AppendLine(c, $"{r.Index,3}  {r.Name,-10} {r.Operation,-26} {r.InChannels,4} {r.OutChannels,4} {r.Kernel + "×" + r.Kernel,6} {r.Dilation,4} {r.Parameters,9:N0}");
        text.AppendLine(c, $"{ConvolutionCount} convolutions (no biases), trainable parameters: {TotalParameters:N0}");
        text.AppendLine(c, $"receptive field: {ReceptiveField}×{ReceptiveField} pixels; forward: {ForwardFlopsPerPixel / 1e3:F1} kFLOP per pixel");
        return text.ToString();
    }
}
