using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using static NativeSeg.Engine.OperationContracts;

namespace NativeSeg.Engine.Cpu;

/// <summary>
/// Softmax over the class axis and the Dice-NS loss with its backward through the softmax. Classes are planes
/// H·W apart, so the per-pixel work runs over 16 neighbouring pixels at a time, class by class.
/// </summary>
internal static unsafe class CpuSoftmaxDice
{
    /// <summary>Pixels per work item: the C class rows of one chunk stay in L1.</summary>
    private const int PixelChunk = 1024;

    /// <summary>p_c = exp(z_c − max_k z_k) / Σ_k exp(z_k − max), vectorised across pixels with TensorPrimitives.</summary>
    public static void SoftmaxForward(CpuWorkers workers, NchwSizes s, float* logits, float* probabilities)
    {
        int chunks = (s.Plane + PixelChunk - 1) / PixelChunk;
        workers.For(s.Batch * chunks, item =>
        {
            int n = item / chunks, start = item % chunks * PixelChunk, count = Math.Min(PixelChunk, s.Plane - start);
            Span<float> max = stackalloc float[count];
            Span<float> sum = stackalloc float[count];
            ReadOnlySpan<float> Logit(int c) => new(logits + ((long)n * s.Channels + c) * s.Plane + start, count);
            Span<float> Probability(int c) => new(probabilities + ((long)n * s.Channels + c) * s.Plane + start, count);

            Logit(0).CopyTo(max);
            for (int c = 1; c < s.Channels; c++) TensorPrimitives.Max(max, Logit(c), max);
            sum.Clear();
            for (int c = 0; c < s.Channels; c++)
            {
                var p = Probability(c);
                TensorPrimitives.Subtract(Logit(c), max, p);
                TensorPrimitives.Exp(p, p);
                TensorPrimitives.Add(sum, p, sum);
            }
            for (int c = 0; c < s.Channels; c++) TensorPrimitives.Divide(Probability(c), sum, Probability(c));
        });
    }

    /// <summary>
    /// L_b = 1 − mean_c (2·I_c + ε)/(P_c + G_c + ε), from float64 sums per (slice, class); pixelWeights [N, plane] weight
    /// every term of the sums (null: all 1).
    /// </summary>
    public static void DiceNsLossForward(CpuWorkers workers, NchwSizes s, float* probabilities, float* labels, float* pixelWeights,
        double epsilon, float* sliceLosses)
    {
        var (numerators, denominators) = DiceTerms(workers, s, probabilities, labels, pixelWeights, epsilon);
        for (int n = 0; n < s.Batch; n++)
        {
            double diceSum = 0;
            for (int c = 0; c < s.Channels; c++) diceSum += numerators[n * s.Channels + c] / denominators[n * s.Channels + c];
            sliceLosses[n] = (float)(1.0 - diceSum / s.Channels);
        }
    }

    /// <summary>
    /// ∂L/∂p_c = −(2·g_c − D_c)/(N·C·den_c) is affine in the label: α_c·g_c + β_c with α_c = −2/(N·C·den_c) and
    /// β_c = D_c/(N·C·den_c), two constants per (slice, class). Through the softmax,
    /// ∂L/∂z_c = p_c·(∂L/∂p_c − Σ_k p_k·∂L/∂p_k): a first pass over the classes accumulates the weighted mean in a
    /// vector of 16 pixels, a second writes the gradient. A pixel weight w multiplies ∂L/∂p_c of every class of its pixel
    /// (ReferenceOps.DiceNsLossBackward), so it multiplies the whole softmax product: ∂L/∂z_c = w·p_c·(… − …).
    /// </summary>
    public static void DiceNsLossBackward(CpuWorkers workers, NchwSizes s, float* probabilities, float* labels, float* pixelWeights,
        double epsilon, float* gradLogits)
    {
        var (numerators, denominators) = DiceTerms(workers, s, probabilities, labels, pixelWeights, epsilon);
        double scale = 1.0 / ((double)s.Batch * s.Channels);
        var alpha = new float[numerators.Length];
        var beta = new float[numerators.Length];
        for (int k = 0; k < numerators.Length; k++)
        {
            double dice = numerators[k] / denominators[k];
            alpha[k] = (float)(-2 * scale / denominators[k]);
            beta[k] = (float)(scale * dice / denominators[k]);
        }
        int chunks = (s.Plane + PixelChunk - 1) / PixelChunk;
        workers.For(s.Batch * chunks, item =>
        {
            int n = item / chunks, start = item % chunks * PixelChunk, end = Math.Min(s.Plane, start + PixelChunk);
            long baseIndex = (long)n * s.Channels * s.Plane;
            int i = start;
            for (; i + 16 <= end; i += 16)
            {
                var weightedMean = Vector512<float>.Zero;
                for (int c = 0; c < s.Channels; c++)
                {
                    long at = baseIndex + (long)c * s.Plane + i;
                    var gradP = Vector512.FusedMultiplyAdd(Vector512.Load(labels + at), Vector512.Create(alpha[n * s.Channels + c]), Vector512.Create(beta[n * s.Channels + c]));
                    weightedMean = Vector512.FusedMultiplyAdd(Vector512.Load(probabilities + at), gradP, weightedMean);
                }
                var weight = pixelWeights is null ? Vector512<float>.One : Vector512.Load(pixelWeights + (long)n * s.Plane + i);
                for (int c = 0; c < s.Channels; c++)
                {
                    long at = baseIndex + (long)c * s.Plane + i;
                    var gradP = Vector512.FusedMultiplyAdd(Vector512.Load(labels + at), Vector512.Create(alpha[n * s.Channels + c]), Vector512.Create(beta[n * s.Channels + c]));
                    (weight * Vector512.Load(probabilities + at) * (gradP - weightedMean)).Store(gradLogits + at);
                }
            }
            for (; i < end; i++)
            {
                float weightedMean = 0;
                for (int c = 0; c < s.Channels; c++)
                {
                    long at = baseIndex + (long)c * s.Plane + i;
                    weightedMean += probabilities[at] * (labels[at] * alpha[n * s.Channels + c] + beta[n * s.Channels + c]);
                }
                float weight = pixelWeights is null ? 1f : pixelWeights[(long)n * s.Plane + i];
                for (int c = 0; c < s.Channels; c++)
                {
                    long at = baseIndex + (long)c * s.Plane + i;
                    gradLogits[at] = weight * probabilities[at] * (labels[at] * alpha[n * s.Channels + c] + beta[n * s.Channels + c] - weightedMean);
                }
            }
        });
    }

    /// <summary>
    /// Numerators 2·I + ε and denominators P + G + ε per (slice, class), [n·C + c]. Each sum is one work item summing
    /// its plane in a fixed order in float64 blocks, so the values do not depend on the thread count. With pixel weights
    /// the plane's w·g is formed first (exact for the one-hot labels 0 and 1), then I = Σ (w·g)·p, P = Σ w·p, G = Σ w·g.
    /// </summary>
    private static (double[] Numerators, double[] Denominators) DiceTerms(CpuWorkers workers, NchwSizes s, float* probabilities,
        float* labels, float* pixelWeights, double epsilon)
    {
        int planes = s.Batch * s.Channels;
        var numerators = new double[planes];
        var denominators = new double[planes];
        workers.For(planes, plane =>
        {
            float* p = probabilities + (long)plane * s.Plane, g = labels + (long)plane * s.Plane;
            if (pixelWeights is null)
            {
                numerators[plane] = 2 * SimdReductions.Dot(g, p, s.Plane) + epsilon;
                denominators[plane] = SimdReductions.Sum(p, s.Plane) + SimdReductions.Sum(g, s.Plane) + epsilon;
                return;
            }
            float* w = pixelWeights + (long)(plane / s.Channels) * s.Plane;
            // A whole slice's plane is over the large-object threshold, and this runs for every plane twice a step:
            // the w·g buffer is rented, not allocated.
            var weightedLabels = ArrayPool<float>.Shared.Rent(s.Plane);
            try
            {
                TensorPrimitives.Multiply(new ReadOnlySpan<float>(w, s.Plane), new ReadOnlySpan<float>(g, s.Plane), weightedLabels);
                fixed (float* wg = weightedLabels)
                {
                    numerators[plane] = 2 * SimdReductions.Dot(wg, p, s.Plane) + epsilon;
                    denominators[plane] = SimdReductions.Dot(w, p, s.Plane) + SimdReductions.Sum(wg, s.Plane) + epsilon;
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(weightedLabels);
            }
        });
        return (numerators, denominators);
    }
}
