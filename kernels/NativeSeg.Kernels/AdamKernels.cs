using ILGPU;
using ILGPU.Algorithms;

namespace NativeSeg.Kernels;

/// <summary>Constants of one Adam step; the bias corrections 1 − βᵗ are computed on the host in float64.</summary>
public readonly struct AdamConstants(float learningRate, float beta1, float beta2, float epsilon,
    float correction1, float correction2, float l2Coefficient)
{
    public float LearningRate { get; } = learningRate;
    public float Beta1 { get; } = beta1;
    public float Beta2 { get; } = beta2;
    public float Epsilon { get; } = epsilon;
    public float Correction1 { get; } = correction1;
    public float Correction2 { get; } = correction2;
    public float L2Coefficient { get; } = l2Coefficient;
}

/// <summary>Adam with the coupled L2 term, one thread per parameter, all four tensors updated in place.</summary>
public static class AdamKernels
{
    /// <summary>g = grad + l2·θ; m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; θ ← θ − lr·(m/c1)/(√(v/c2) + ε).</summary>
    public static void AdamStep(Index1D index, ArrayView<float> parameter, ArrayView<float> gradient,
        ArrayView<float> firstMoment, ArrayView<float> secondMoment, AdamConstants k)
    {
        float theta = parameter[index];
        float g = gradient[index] + k.L2Coefficient * theta;
        float m = k.Beta1 * firstMoment[index] + (1f - k.Beta1) * g;
        float v = k.Beta2 * secondMoment[index] + (1f - k.Beta2) * g * g;
        firstMoment[index] = m;
        secondMoment[index] = v;
        parameter[index] = theta - k.LearningRate * (m / k.Correction1) / (XMath.Sqrt(v / k.Correction2) + k.Epsilon);
    }
}
