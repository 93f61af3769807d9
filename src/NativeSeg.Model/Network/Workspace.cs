using NativeSeg.Engine;
using NativeSeg.Engine.Tensors;

namespace NativeSeg.Model.Network;

/// <summary>
/// Every tensor one batch shape needs, allocated once: the input, logits and probabilities; for training the labels,
/// per-slice losses, the logit gradient and all activations the backward pass reads; and a scratch pool for
/// inference intermediates and gradients. Obtain one from <see cref="HighResNet2D.GetWorkspace"/>, which keeps one per
/// batch shape, so steps of the same shape never allocate.
/// </summary>
public sealed class Workspace : IDisposable
{
    private readonly IBackend _backend;
    private readonly HighResNetConfiguration _configuration;
    private readonly IReadOnlyList<LayerSpec> _layers;
    private TrainingStorage? _training;

    internal Workspace(IBackend backend, HighResNetConfiguration configuration, IReadOnlyList<LayerSpec> layers, int batch, int height, int width)
    {
        if (batch < 1)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "A batch holds at least one slice.");
        if (height < 1 || width < 1 || height % HighResNetConfiguration.SpatialMultiple != 0 || width % HighResNetConfiguration.SpatialMultiple != 0)
            throw new ArgumentException($"HighResNet2D needs spatial sizes divisible by {HighResNetConfiguration.SpatialMultiple}, got {height}×{width}.");
        _backend = backend;
        _configuration = configuration;
        _layers = layers;
        Batch = batch;
        Height = height;
        Width = width;
        Input = backend.Allocate(TensorShape.Nchw(batch, configuration.InputChannels, height, width));
        Logits = backend.Allocate(TensorShape.Nchw(batch, configuration.Classes, height, width));
        Probabilities = backend.Allocate(TensorShape.Nchw(batch, configuration.Classes, height, width));
        Scratch = new ScratchPool(backend, batch, height, width);
    }

    public int Batch { get; }
    public int Height { get; }
    public int Width { get; }

    /// <summary>The network input [N, Cin, H, W]; upload into it before a forward pass.</summary>
    public Tensor Input { get; }

    /// <summary>Written by both forward passes [N, classes, H, W].</summary>
    public Tensor Logits { get; }

    /// <summary>Softmax of <see cref="Logits"/> over classes, written by the loss or by <see cref="HighResNet2D.ComputeProbabilities"/>.</summary>
    public Tensor Probabilities { get; }

    /// <summary>One-hot labels [N, classes, H, W] for the loss (training only).</summary>
    public Tensor Labels => Training.Labels;

    /// <summary>Loss weight of every pixel [N, 1, H, W] for a pixel-weighted Dice-NS (training only).</summary>
    public Tensor PixelWeights => Training.PixelWeights;

    /// <summary>Dice-NS loss per slice [N] (training only).</summary>
    public Tensor SliceLosses => Training.SliceLosses;

    /// <summary>∂loss/∂logits, written by the loss backward and read by <see cref="HighResNet2D.Backward"/>.</summary>
    public Tensor GradLogits => Training.GradLogits;

    /// <summary>Whether the training tensors (activations kept for backward) have been allocated.</summary>
    public bool HasTrainingStorage => _training is not null;

    /// <summary>Number of scratch tensors allocated so far; constant after the first step (tests check it).</summary>
    public int ScratchTensorCount => Scratch.AllocatedCount;

    internal ScratchPool Scratch { get; }

    internal TrainingStorage Training => _training ??= new TrainingStorage(_backend, _configuration, _layers, Batch, Height, Width, Logits);

    public void Dispose()
    {
        Input.Dispose();
        Logits.Dispose();
        Probabilities.Dispose();
        Scratch.Dispose();
        _training?.Dispose();
    }

    /// <summary>The tensors of a training step, allocated on first use.</summary>
    internal sealed class TrainingStorage : IDisposable
    {
        /// <summary>The statistics the last training forward normalised with; the backward must take the same.</summary>
        public BatchNormStatistics Statistics { get; set; }

        public TrainingStorage(IBackend backend, HighResNetConfiguration configuration, IReadOnlyList<LayerSpec> layers, int batch, int height, int width, Tensor logits)
        {
            var labelShape = TensorShape.Nchw(batch, configuration.Classes, height, width);
            Labels = backend.Allocate(labelShape);
            PixelWeights = backend.Allocate(TensorShape.Nchw(batch, 1, height, width));
            GradLogits = backend.Allocate(labelShape);
            SliceLosses = backend.Allocate(TensorShape.Vector(batch));
            foreach (var layer in layers)
            {
                if (layer.Kind == LayerKind.ResidualBlock)
                {
                    Blocks.Add(new BlockActivations(backend, batch, layer.InChannels, layer.OutChannels, height, width));
                }
                else
                {
                    // The logits layer writes its BN output straight into the workspace's logits.
                    var output = layer.Kind == LayerKind.ConvolutionBatchNorm ? logits : null;
                    Convolutions.Add(new ConvolutionActivations(backend, batch, layer.OutChannels, height, width, output));
                }
            }
        }

        public Tensor Labels { get; }
        public Tensor PixelWeights { get; }
        public Tensor GradLogits { get; }
        public Tensor SliceLosses { get; }

        /// <summary>conv_0, conv_1, conv_2 in order.</summary>
        public List<ConvolutionActivations> Convolutions { get; } = [];

        /// <summary>The nine residual blocks in order.</summary>
        public List<BlockActivations> Blocks { get; } = [];

        public void Dispose()
        {
            Labels.Dispose();
            PixelWeights.Dispose();
            GradLogits.Dispose();
            SliceLosses.Dispose();
            foreach (var c in Convolutions) c.Dispose();
            foreach (var b in Blocks) b.Dispose();
        }
    }
}
