namespace NativeSeg.Engine.Cpu;

/// <summary>
/// How a <see cref="CpuTensor"/>'s values of logical shape [N, C, H, W] lie in memory. Every operation sees NCHW: the
/// backend converts a tensor back to <see cref="Planar"/> before any operation that reads it as NCHW (and before
/// <see cref="IBackend.Download"/>), so the layout is invisible outside the backend.
/// </summary>
internal enum CpuLayout
{
    /// <summary>NCHW: each channel's H×W plane contiguous, row-major.</summary>
    Planar,

    /// <summary>
    /// NHWC: the C values of one pixel contiguous, pixels row-major, images one after another. Only for C a multiple of
    /// 16 (then the length is the same as NCHW's and one <see cref="System.Runtime.Intrinsics.Vector512{T}"/> holds 16
    /// channels of a pixel). The Winograd convolution writes it, so that the next Winograd layer reads its inputs
    /// without a transpose (<see cref="ChannelsLastConversion"/>).
    /// </summary>
    ChannelsLast,
}
