namespace NativeSeg.Kernels.Dev;

/// <summary>
/// The two ceilings of an H100 SXM used to judge a kernel time: FP32 (non-tensor) arithmetic at 67 TFLOP/s
/// (datasheet) and HBM3 at 3.0 TB/s (a device-to-device copy measured on this workplace's H100, counting bytes read
/// plus written; the datasheet says 3.35). The floor of a kernel is the larger of FLOPs / rate and bytes / bandwidth,
/// with bytes = each input read once and each output written once; the gap is measured time / floor.
/// </summary>
public static class Roofline
{
    public const double Fp32FlopsPerSecond = 67e12;
    public const double BytesPerSecond = 3.0e12;

    public static double FloorSeconds(double flops, double bytes) =>
        Math.Max(flops / Fp32FlopsPerSecond, bytes / BytesPerSecond);
}
