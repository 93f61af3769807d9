using System.Runtime.Intrinsics;
using NativeSeg.Engine.Tensors;

namespace NativeSeg.Engine.Cpu;

/// <summary>The Adam step and the sum of squares for the L2 term.</summary>
internal static unsafe class CpuOptimizer
{
    /// <summary>Elements per partial sum of <see cref="SumOfSquares"/>; fixed so the result does not depend on threads.</summary>
    private const int SumChunk = 1 << 16;

    /// <summary>Σ v² in float64 blocks, per fixed chunk, the chunks added in order.</summary>
    public static double SumOfSquares(CpuWorkers workers, float* values, int length)
    {
        int chunks = (length + SumChunk - 1) / SumChunk;
        var partials = new double[chunks];
        workers.ForChunks(length, SumChunk, (start, count) => partials[start / SumChunk] = SimdReductions.Dot(values + start, values + start, count));
        double sum = 0;
        foreach (double partial in partials) sum += partial;
        return sum;
    }

    /// <summary>
    /// g = gradient + l2·θ; m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; θ ← θ − lr·(m/(1−β1ᵗ))/(√(v/(1−β2ᵗ)) + ε).
    /// The bias corrections are computed once in float64; everything per element is float32, 16 lanes at a time.
    /// </summary>
    public static void AdamStep(CpuWorkers workers, int length, float* parameter, float* gradient, float* firstMoment, float* secondMoment,
        AdamSettings settings, int step, float l2Coefficient)
    {
        float correction1 = (float)(1 - Math.Pow(settings.Beta1, step));
        float correction2 = (float)(1 - Math.Pow(settings.Beta2, step));
        float beta1 = settings.Beta1, beta2 = settings.Beta2, rate = settings.LearningRate, epsilon = settings.Epsilon;
        workers.ForChunks(length, CpuElementwise.Chunk, (start, count) =>
        {
            float* theta = parameter + start, grad = gradient + start, m = firstMoment + start, v = secondMoment + start;
            var vl2 = Vector512.Create(l2Coefficient);
            var vb1 = Vector512.Create(beta1);
            var vb2 = Vector512.Create(beta2);
            var v1b1 = Vector512.Create(1 - beta1);
            var v1b2 = Vector512.Create(1 - beta2);
            var vc1 = Vector512.Create(correction1);
            var vc2 = Vector512.Create(correction2);
            var vrate = Vector512.Create(rate);
            var veps = Vector512.Create(epsilon);
            int i = 0;
            for (; i + 16 <= count; i += 16)
            {
                var t = Vector512.Load(theta + i);
                var g = Vector512.FusedMultiplyAdd(t, vl2, Vector512.Load(grad + i));
                var mNew = Vector512.FusedMultiplyAdd(vb1, Vector512.Load(m + i), v1b1 * g);
                var vNew = Vector512.FusedMultiplyAdd(vb2, Vector512.Load(v + i), v1b2 * g * g);
                mNew.Store(m + i);
                vNew.Store(v + i);
                (t - vrate * (mNew / vc1) / (Vector512.Sqrt(vNew / vc2) + veps)).Store(theta + i);
            }
            for (; i < count; i++)
            {
                float g = grad[i] + l2Coefficient * theta[i];
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                theta[i] -= rate * (m[i] / correction1) / (MathF.Sqrt(v[i] / correction2) + epsilon);
            }
        });
    }
}
