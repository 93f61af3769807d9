using static NativeSeg.Engine.OperationContracts;

namespace NativeSeg.Engine.Reference;

public static partial class ReferenceOps
{
    /// <summary>
    /// Cross-entropy per slice b, the mean over its H·W pixels i of −Σ_c gᵢc·ln pᵢc:
    /// L_b = −(1/HW)·Σᵢ Σ_c gᵢc·ln max(pᵢc, floor). sliceLosses[b] = L_b; the batch loss is their mean.
    /// The floor (<see cref="CrossEntropyProbabilityFloor"/>) only keeps the value finite where a float32 softmax has
    /// rounded a probability to 0; the backward is the gradient without it.
    /// </summary>
    public static void CrossEntropyLossForward(NchwSizes s, double[] probabilities, double[] labels, double[] sliceLosses)
    {
        for (int n = 0; n < s.Batch; n++)
        {
            double sum = 0;
            for (int c = 0; c < s.Channels; c++)
                for (int k = 0; k < s.Plane; k++)
                {
                    int index = ClassIndex(s, n, c, k);
                    if (labels[index] != 0) sum -= labels[index] * Math.Log(Math.Max(probabilities[index], CrossEntropyProbabilityFloor));
                }
            sliceLosses[n] = sum / s.Plane;
        }
    }

    /// <summary>
    /// gradLogits += scale·∂L/∂z for L = (1/N)·Σ_b L_b, through the softmax p = softmax(z) that produced probabilities:
    /// it adds to what the caller wrote (the Dice-NS gradient), so the two losses share one gradient buffer.
    ///
    /// Derivation. At one pixel, L_pixel = −Σ_k g_k·ln p_k and ln p_k = z_k − ln Σ_j exp z_j, so
    ///   ∂L_pixel/∂z_c = −g_c + (Σ_k g_k)·p_c = p_c·G − g_c,   G = Σ_k g_k (1 for one-hot or ½/½ labels).
    /// Each pixel enters one slice's mean over HW pixels, and the slices' mean divides by N:
    ///   ∂L/∂zᵢc = (pᵢc·Gᵢ − gᵢc)/(N·HW).
    /// Unlike Dice-NS's gradient, which passes through the softmax Jacobian p_c·(δ − p) and so vanishes where the network
    /// is confidently wrong (p of the true class near 0), this one stays near −1/(N·HW) there.
    /// </summary>
    public static void CrossEntropyLossBackwardAdd(NchwSizes s, double[] probabilities, double[] labels, double scale, double[] gradLogits)
    {
        double perPixel = scale / ((double)s.Batch * s.Plane);
        for (int n = 0; n < s.Batch; n++)
            for (int k = 0; k < s.Plane; k++)
            {
                double labelSum = 0;
                for (int c = 0; c < s.Channels; c++) labelSum += labels[ClassIndex(s, n, c, k)];
                for (int c = 0; c < s.Channels; c++)
                {
                    int index = ClassIndex(s, n, c, k);
                    gradLogits[index] += perPixel * (probabilities[index] * labelSum - labels[index]);
                }
            }
    }
}
