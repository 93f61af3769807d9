namespace NativeSeg.Kernels;

/// <summary>Constants shared by host and kernels.</summary>
public static class KernelConstants
{
    /// <summary>
    /// The most threads an explicitly grouped kernel may be launched with (8 warps of 32), which sizes its shared
    /// arrays. The launch chooses the actual group size, a power of two from 32 (one warp) up to this: the GPU
    /// uses 256; ILGPU's CPU simulator, whose group barriers cost milliseconds, uses one warp by default so the
    /// tests stay fast, and the tests run the 256-thread shape too. Kernels read it as Group.DimX.
    /// </summary>
    public const int MaxGroupSize = 256;

    /// <summary>CUDA's per-block limit on static shared memory that ILGPU honours; every kernel stays under it.</summary>
    public const int SharedMemoryLimitBytes = 48 * 1024;

    /// <summary>
    /// The cross-entropy's value takes ln max(p, this): a float32 softmax rounds a probability below about 1e-45 to 0,
    /// and ln 0 would make the reported loss infinite. Only the value sees it; the gradient p·G − g needs no logarithm.
    /// </summary>
    public const float CrossEntropyProbabilityFloor = 1e-30f;
}
