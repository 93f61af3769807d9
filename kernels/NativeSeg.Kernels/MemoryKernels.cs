using ILGPU;

namespace NativeSeg.Kernels;

/// <summary>Fill and copy, one thread per element.</summary>
public static class MemoryKernels
{
    public static void Fill(Index1D index, ArrayView<float> destination, float value) => destination[index] = value;

    public static void Copy(Index1D index, ArrayView<float> source, ArrayView<float> destination) =>
        destination[index] = source[index];
}
