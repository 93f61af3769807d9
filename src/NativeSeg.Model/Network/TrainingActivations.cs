using NativeSeg.Engine;
using NativeSeg.Engine.Tensors;

namespace NativeSeg.Model.Network;

/// <summary>What a training-mode forward of conv → BN (→ ReLU) keeps for its backward.</summary>
internal sealed class ConvolutionActivations : IDisposable
{
    public ConvolutionActivations(IBackend backend, int batch, int channels, int height, int width, Tensor? output = null)
    {
        var shape = TensorShape.Nchw(batch, channels, height, width);
        Convolved = backend.Allocate(shape);
        OwnsOutput = output is null;
        Output = output ?? backend.Allocate(shape);
        SavedMean = backend.Allocate(TensorShape.Vector(channels));
        SavedInverseStd = backend.Allocate(TensorShape.Vector(channels));
    }

    /// <summary>The convolution's output: the BN input.</summary>
    public Tensor Convolved { get; }

    /// <summary>BN output, after the ReLU in place where the layer has one (ReLU backward only needs its output).</summary>
    public Tensor Output { get; }

    public Tensor SavedMean { get; }
    public Tensor SavedInverseStd { get; }

    private bool OwnsOutput { get; }

    public void Dispose()
    {
        Convolved.Dispose();
        if (OwnsOutput) Output.Dispose();
        SavedMean.Dispose();
        SavedInverseStd.Dispose();
    }
}

/// <summary>
/// What a training-mode forward of one residual block keeps for its backward. The block input itself (BN1's input and
/// the skip) is the previous layer's output and is not copied.
/// </summary>
internal sealed class BlockActivations : IDisposable
{
    public BlockActivations(IBackend backend, int batch, int inChannels, int outChannels, int height, int width)
    {
        FirstActivated = backend.Allocate(TensorShape.Nchw(batch, inChannels, height, width));
        FirstMean = backend.Allocate(TensorShape.Vector(inChannels));
        FirstInverseStd = backend.Allocate(TensorShape.Vector(inChannels));
        FirstConvolved = backend.Allocate(TensorShape.Nchw(batch, outChannels, height, width));
        SecondActivated = backend.Allocate(TensorShape.Nchw(batch, outChannels, height, width));
        SecondMean = backend.Allocate(TensorShape.Vector(outChannels));
        SecondInverseStd = backend.Allocate(TensorShape.Vector(outChannels));
        Output = backend.Allocate(TensorShape.Nchw(batch, outChannels, height, width));
    }

    /// <summary>ReLU(BN1(x)): the first convolution's input.</summary>
    public Tensor FirstActivated { get; }
    public Tensor FirstMean { get; }
    public Tensor FirstInverseStd { get; }

    /// <summary>conv1 output: BN2's input.</summary>
    public Tensor FirstConvolved { get; }

    /// <summary>ReLU(BN2(conv1)): the second convolution's input.</summary>
    public Tensor SecondActivated { get; }
    public Tensor SecondMean { get; }
    public Tensor SecondInverseStd { get; }

    /// <summary>conv2 output + pad(x).</summary>
    public Tensor Output { get; }

    public void Dispose()
    {
        foreach (var t in new[] { FirstActivated, FirstMean, FirstInverseStd, FirstConvolved, SecondActivated, SecondMean, SecondInverseStd, Output })
            t.Dispose();
    }
}
