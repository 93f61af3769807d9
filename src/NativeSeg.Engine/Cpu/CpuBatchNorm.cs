using System.Runtime.Intrinsics;
using static NativeSeg.Engine.OperationContracts;

namespace NativeSeg.Engine.Cpu;

/// <summary>
/// Batch norm over N·H·W per channel. One work item per channel, so each channel's statistics are summed by one
/// thread in a fixed order (image by image, with <see cref="SimdReductions"/>' float64 blocks): deterministic for any
/// thread count. Per-channel constants are computed in float64; the per-element work is one or two float32 FMAs.
/// </summary>
internal static unsafe class CpuBatchNorm
{
    public static void TrainingForward(CpuWorkers workers, NchwSizes s, float* input, float* gamma, float* beta,
        float* runningMean, float* runningVariance, double momentum, double epsilon, float* output, float* savedMean, float* savedInverseStd)
    {
        double count = (double)s.Batch * s.Plane;
        workers.For(s.Channels, c =>
        {
            double sum = 0;
            for (int n = 0; n < s.Batch; n++) sum += SimdReductions.Sum(Plane(input, s, n, c), s.Plane);
            double mean = sum / count;
            // Second pass around the mean (not E[x²] − E[x]²), which would cancel catastrophically for large means.
            double squares = 0;
            for (int n = 0; n < s.Batch; n++) squares += SimdReductions.SquaredDeviations(Plane(input, s, n, c), (float)mean, s.Plane);
            // Σ(x − m̃)² with the float32-rounded mean m̃ exceeds Σ(x − m)² by M·(m − m̃)²: remove it.
            double shift = mean - (float)mean;
            double variance = Math.Max(squares / count - shift * shift, 0);
            double inverseStd = 1.0 / Math.Sqrt(variance + epsilon);
            for (int n = 0; n < s.Batch; n++)
                Normalize(Plane(input, s, n, c), Plane(output, s, n, c), s.Plane, mean, gamma[c] * inverseStd, beta[c]);
            runningMean[c] = (float)((1 - momentum) * runningMean[c] + momentum * mean);
            runningVariance[c] = (float)((1 - momentum) * runningVariance[c] + momentum * variance);
            savedMean[c] = (float)mean;
            savedInverseStd[c] = (float)inverseStd;
        });
    }

    public static void InferenceForward(CpuWorkers workers, NchwSizes s, float* input, float* gamma, float* beta,
        float* runningMean, float* runningVariance, double epsilon, float* output)
    {
        workers.For(s.Batch * s.Channels, plane =>
        {
            int c = plane % s.Channels;
            double scale = gamma[c] / Math.Sqrt(runningVariance[c] + epsilon);
            Normalize(input + (long)plane * s.Plane, output + (long)plane * s.Plane, s.Plane, runningMean[c], scale, beta[c]);
        });
    }

    /// <summary>
    /// With k = γ·istd, x̂ = (x − μ)·istd and M = N·H·W, the reference formula γ·istd/M·(M·dy − Σdy − x̂·Σ(dy·x̂))
    /// regroups into dx = k·dy + b·(x − μ) + a with b = −k·istd·Σ(dy·x̂)/M and a = −k·Σdy/M: two FMAs per element.
    /// </summary>
    public static void Backward(CpuWorkers workers, NchwSizes s, float* input, float* gradOutput, float* gamma,
        float* savedMean, float* savedInverseStd, float* gradInput, float* gradGamma, float* gradBeta)
    {
        double count = (double)s.Batch * s.Plane;
        workers.For(s.Channels, c =>
        {
            float mean = savedMean[c];
            double inverseStd = savedInverseStd[c];
            var (sumDy, sumDyCentered) = GradientSums(s, c, input, gradOutput, mean);
            double sumDyXhat = sumDyCentered * inverseStd;
            gradBeta[c] = (float)sumDy;
            gradGamma[c] = (float)sumDyXhat;
            double k = gamma[c] * inverseStd;
            var vk = Vector512.Create((float)k);
            var vb = Vector512.Create((float)(-k * inverseStd * sumDyXhat / count));
            var va = Vector512.Create((float)(-k * sumDy / count));
            var vm = Vector512.Create(mean);
            for (int n = 0; n < s.Batch; n++)
            {
                float* x = Plane(input, s, n, c), dy = Plane(gradOutput, s, n, c), dx = Plane(gradInput, s, n, c);
                int i = 0;
                for (; i + 16 <= s.Plane; i += 16)
                {
                    var centered = Vector512.Load(x + i) - vm;
                    Vector512.FusedMultiplyAdd(Vector512.Load(dy + i), vk, Vector512.FusedMultiplyAdd(centered, vb, va)).Store(dx + i);
                }
                for (; i < s.Plane; i++) dx[i] = MathF.FusedMultiplyAdd(dy[i], vk[0], MathF.FusedMultiplyAdd(x[i] - mean, vb[0], va[0]));
            }
        });
    }

    /// <summary>
    /// Backward of <see cref="InferenceForward"/>: the statistics are constants, so dx = k·dy with k = γ·istd, one
    /// multiply per element; the γ and β gradients are the same sums as in <see cref="Backward"/>, around the running
    /// mean. One work item per channel, as there, for a thread-count-independent summation order.
    /// </summary>
    public static void InferenceBackward(CpuWorkers workers, NchwSizes s, float* input, float* gradOutput, float* gamma,
        float* runningMean, float* runningVariance, double epsilon, float* gradInput, float* gradGamma, float* gradBeta)
    {
        workers.For(s.Channels, c =>
        {
            double inverseStd = 1.0 / Math.Sqrt(runningVariance[c] + epsilon);
            var (sumDy, sumDyCentered) = GradientSums(s, c, input, gradOutput, runningMean[c]);
            gradBeta[c] = (float)sumDy;
            gradGamma[c] = (float)(sumDyCentered * inverseStd);
            float k = (float)(gamma[c] * inverseStd);
            var vk = Vector512.Create(k);
            for (int n = 0; n < s.Batch; n++)
            {
                float* dy = Plane(gradOutput, s, n, c), dx = Plane(gradInput, s, n, c);
                int i = 0;
                for (; i + 16 <= s.Plane; i += 16) (Vector512.Load(dy + i) * vk).Store(dx + i);
                for (; i < s.Plane; i++) dx[i] = dy[i] * k;
            }
        });
    }

    /// <summary>Σdy and Σdy·(x − mean) over channel c, image by image in a fixed order (both backward passes).</summary>
    private static (double SumDy, double SumDyCentered) GradientSums(NchwSizes s, int c, float* input, float* gradOutput, float mean)
    {
        double sumDy = 0, sumDyCentered = 0;
        for (int n = 0; n < s.Batch; n++)
        {
            sumDy += SimdReductions.Sum(Plane(gradOutput, s, n, c), s.Plane);
            sumDyCentered += SimdReductions.CenteredDot(Plane(gradOutput, s, n, c), Plane(input, s, n, c), mean, s.Plane);
        }
        return (sumDy, sumDyCentered);
    }

    /// <summary>
    /// y = (x − mean)·scale + shift, as one subtract and one FMA per 16 values. The subtraction uses the float32 mean
    /// m̃ (exact against x when they are close); the shift absorbs the rounding (m − m̃)·scale, so a channel with a
    /// large mean and a small spread keeps its accuracy.
    /// </summary>
    private static void Normalize(float* x, float* y, int length, double mean, double scale, double shift)
    {
        var (m, k, b) = ChannelNormalization.Constants(mean, scale, shift);
        var vm = Vector512.Create(m);
        var vs = Vector512.Create(k);
        var vb = Vector512.Create(b);
        int i = 0;
        for (; i + 16 <= length; i += 16)
            Vector512.FusedMultiplyAdd(Vector512.Load(x + i) - vm, vs, vb).Store(y + i);
        for (; i < length; i++) y[i] = MathF.FusedMultiplyAdd(x[i] - vm[0], vs[0], vb[0]);
    }

    private static float* Plane(float* tensor, NchwSizes s, int n, int c) => tensor + ((long)n * s.Channels + c) * s.Plane;
}
