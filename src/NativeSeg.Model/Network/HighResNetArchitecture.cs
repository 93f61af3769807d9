namespace NativeSeg.Model.Network;

/// <summary>What a row of the architecture table is.</summary>
public enum LayerKind
{
    /// <summary>conv → BN → ReLU (conv_0, conv_1).</summary>
    ConvolutionBatchNormRelu,

    /// <summary>(BN → ReLU → conv) twice, plus the block input added back through a centred zero-padded skip.</summary>
    ResidualBlock,

    /// <summary>conv → BN with no activation: the logits (conv_2).</summary>
    ConvolutionBatchNorm,
}

/// <summary>One row of the HighResNet2D table: a named layer with its channels, kernel and dilation.</summary>
/// <param name="Name">The prefix of the layer's tensor names, PyTorch state_dict style: <c>conv_0</c>, <c>res_2.1</c>.</param>
public sealed record LayerSpec(string Name, LayerKind Kind, int InChannels, int OutChannels, int Kernel, int Dilation)
{
    /// <summary>Number of convolutions in the layer (two per residual block).</summary>
    public int Convolutions => Kind == LayerKind.ResidualBlock ? 2 : 1;
}

/// <summary>
/// The 2D HighResNet of the paper with NiftyNet's semantics (shared/docs/reference-model.md): 21 convolutions, no biases,
/// batch norm on the logits, residual stages with dilation 1, 2 and 4.
/// </summary>
public static class HighResNetArchitecture
{
    public const int StemChannels = 16;
    public const int HeadChannels = 80;
    public const int BlocksPerStage = 3;

    /// <summary>(stage name, channels, dilation) of the three residual stages.</summary>
    public static readonly IReadOnlyList<(string Name, int Channels, int Dilation)> Stages =
    [
        ("res_1", 16, 1),
        ("res_2", 32, 2),
        ("res_3", 64, 4),
    ];

    /// <summary>The layers in execution order: conv_0, nine residual blocks, conv_1, conv_2.</summary>
    public static IReadOnlyList<LayerSpec> Layers(HighResNetConfiguration configuration)
    {
        configuration.Validate();
        var layers = new List<LayerSpec>
        {
            new("conv_0", LayerKind.ConvolutionBatchNormRelu, configuration.InputChannels, StemChannels, 3, 1),
        };
        int channels = StemChannels;
        foreach (var (name, stageChannels, dilation) in Stages)
        {
            for (int block = 0; block < BlocksPerStage; block++)
            {
                layers.Add(new LayerSpec($"{name}.{block}", LayerKind.ResidualBlock, channels, stageChannels, 3, dilation));
                channels = stageChannels;
            }
        }
        layers.Add(new LayerSpec("conv_1", LayerKind.ConvolutionBatchNormRelu, channels, HeadChannels, 1, 1));
        layers.Add(new LayerSpec("conv_2", LayerKind.ConvolutionBatchNorm, HeadChannels, configuration.Classes, 1, 1));
        return layers;
    }
}
