namespace NativeSeg.Kernels;

/// <summary>
/// Sizes of an NCHW activation, passed to kernels by value (ILGPU copies small unmanaged structs into the launch
/// parameters, which keeps kernel signatures short and the delegate type arguments under ILGPU's limit).
/// </summary>
public readonly struct NchwGeometry(int batch, int channels, int height, int width)
{
    public int Batch { get; } = batch;
    public int Channels { get; } = channels;
    public int Height { get; } = height;
    public int Width { get; } = width;
    public int Plane => Height * Width;
    public int Length => Batch * Channels * Height * Width;
}
