namespace NativeSeg.Kernels;

/// <summary>Sizes of a convolution: input [N, Cin, H, W], weights [Cout, Cin, K, K], output [N, Cout, H, W].</summary>
public readonly struct ConvolutionGeometry(int batch, int inChannels, int outChannels, int height, int width, int kernel, int dilation)
{
    public int Batch { get; } = batch;
    public int InChannels { get; } = inChannels;
    public int OutChannels { get; } = outChannels;
    public int Height { get; } = height;
    public int Width { get; } = width;
    public int Kernel { get; } = kernel;
    public int Dilation { get; } = dilation;
    public int Plane => Height * Width;

    /// <summary>Centre tap of the kernel (1 for 3×3, 0 for 1×1); tap k reads the offset (k − Radius)·Dilation.</summary>
    public int Radius => Kernel / 2;
}
