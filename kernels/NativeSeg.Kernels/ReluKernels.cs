using ILGPU;

namespace NativeSeg.Kernels;

/// <summary>ReLU, one thread per element; in place is safe because each thread reads and writes only its element.</summary>
public static class ReluKernels
{
    public static void ReluForward(Index1D index, ArrayView<float> input, ArrayView<float> output)
    {
        float v = input[index];
        output[index] = v > 0f ? v : 0f;
    }

    public static void ReluBackward(Index1D index, ArrayView<float> output, ArrayView<float> gradOutput, ArrayView<float> gradInput) =>
        gradInput[index] = output[index] > 0f ? gradOutput[index] : 0f;
}
