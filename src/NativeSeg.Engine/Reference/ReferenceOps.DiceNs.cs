using static NativeSeg.Engine.OperationContracts;

namespace NativeSeg.Engine.Reference;

public static partial class ReferenceOps
{
    /// <summary>
    /// p[n,c,y,x] = exp(z[n,c,y,x] − m) / Σ_k exp(z[n,k,y,x] − m), the softmax over the channel axis at every pixel;
    /// m = max_k z[n,k,y,x] is subtracted only so that exp cannot overflow (it cancels in the ratio).
    /// </summary>
    public static void SoftmaxForward(NchwSizes s, double[] logits, double[] probabilities)
    {
        for (int n = 0; n < s.Batch; n++)
        for (int k = 0; k < s.Plane; k++)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < s.Channels; c++) max = Math.Max(max, logits[ClassIndex(s, n, c, k)]);
            double sum = 0;
            for (int c = 0; c < s.Channels; c++) sum += Math.Exp(logits[ClassIndex(s, n, c, k)] - max);
            for (int c = 0; c < s.Channels; c++)
                probabilities[ClassIndex(s, n, c, k)] = Math.Exp(logits[ClassIndex(s, n, c, k)] - max) / sum;
        }
    }

    /// <summary>
    /// Dice-NS per slice b, over every class c including background, with i running over the slice's H·W pixels:
    /// I_c = Σᵢ gᵢc·pᵢc, P_c = Σᵢ pᵢc, G_c = Σᵢ gᵢc, D_c = (2·I_c + ε)/(P_c + G_c + ε), L_b = 1 − (1/C)·Σ_c D_c.
    /// sliceLosses[b] = L_b; the batch loss is their mean.
    /// With pixel weights w [N, 1, H, W] every sum is weighted: I_c = Σᵢ wᵢ·gᵢc·pᵢc, P_c = Σᵢ wᵢ·pᵢc, G_c = Σᵢ wᵢ·gᵢc, so an
    /// integer weight k is the same loss as k copies of the pixel. No weights: wᵢ = 1.
    /// </summary>
    public static void DiceNsLossForward(NchwSizes s, double[] probabilities, double[] labels, double epsilon, double[] sliceLosses,
        double[]? pixelWeights = null)
    {
        for (int n = 0; n < s.Batch; n++)
        {
            double diceSum = 0;
            for (int c = 0; c < s.Channels; c++)
            {
                var (numerator, denominator) = DiceTerms(s, probabilities, labels, pixelWeights, epsilon, n, c);
                diceSum += numerator / denominator;
            }
            sliceLosses[n] = 1.0 - diceSum / s.Channels;
        }
    }

    /// <summary>
    /// gradLogits = ∂L/∂z for L = (1/N)·Σ_b L_b, through the softmax p = softmax(z) that produced probabilities.
    ///
    /// Derivation. Step 1, ∂L/∂p. In slice b, pixel i and class c enter only I_c and P_c of that slice, so with
    /// num_c = 2·I_c + ε and den_c = P_c + G_c + ε:
    ///   ∂D_c/∂pᵢc = 2·gᵢc/den_c − num_c/den_c² = (2·gᵢc − D_c)/den_c,
    ///   ∂L/∂pᵢc  = −(1/(N·C)) · (2·gᵢc − D_c)/den_c.
    /// Step 2, the softmax Jacobian. At one pixel, ∂p_k/∂z_c = p_k·(δ_kc − p_c), so the vector-Jacobian product is
    ///   ∂L/∂z_c = Σ_k ∂L/∂p_k · p_k·(δ_kc − p_c) = p_c · (∂L/∂p_c − Σ_k p_k·∂L/∂p_k).
    /// The subtracted term is the probability-weighted mean of the upstream gradient at that pixel; it is why a
    /// constant shift of all logits (which leaves p unchanged) gets zero gradient.
    /// With pixel weights, I_c and P_c hold pᵢc as wᵢ·pᵢc, so step 1 gains the factor wᵢ:
    ///   ∂L/∂pᵢc = −(1/(N·C)) · wᵢ·(2·gᵢc − D_c)/den_c,
    /// and step 2 is unchanged (wᵢ is shared by the classes of pixel i, so it factors out of the weighted mean).
    /// </summary>
    public static void DiceNsLossBackward(NchwSizes s, double[] probabilities, double[] labels, double epsilon, double[] gradLogits,
        double[]? pixelWeights = null)
    {
        double scale = 1.0 / ((double)s.Batch * s.Channels);
        var dice = new double[s.Channels];
        var denominators = new double[s.Channels];
        var gradProbabilities = new double[s.Channels];
        for (int n = 0; n < s.Batch; n++)
        {
            for (int c = 0; c < s.Channels; c++)
            {
                var (numerator, denominator) = DiceTerms(s, probabilities, labels, pixelWeights, epsilon, n, c);
                dice[c] = numerator / denominator;
                denominators[c] = denominator;
            }
            for (int k = 0; k < s.Plane; k++)
            {
                // Step 1: ∂L/∂p at this pixel, and its probability-weighted mean.
                double weight = PixelWeight(s, pixelWeights, n, k);
                double weightedMean = 0;
                for (int c = 0; c < s.Channels; c++)
                {
                    int index = ClassIndex(s, n, c, k);
                    gradProbabilities[c] = -scale * weight * (2 * labels[index] - dice[c]) / denominators[c];
                    weightedMean += probabilities[index] * gradProbabilities[c];
                }
                // Step 2: the softmax vector-Jacobian product.
                for (int c = 0; c < s.Channels; c++)
                {
                    int index = ClassIndex(s, n, c, k);
                    gradLogits[index] = probabilities[index] * (gradProbabilities[c] - weightedMean);
                }
            }
        }
    }

    /// <summary>Numerator 2·I_c + ε and denominator P_c + G_c + ε of D_c for slice n.</summary>
    private static (double Numerator, double Denominator) DiceTerms(NchwSizes s, double[] probabilities, double[] labels,
        double[]? pixelWeights, double epsilon, int n, int c)
    {
        double intersection = 0, probabilitySum = 0, labelSum = 0;
        for (int k = 0; k < s.Plane; k++)
        {
            int index = ClassIndex(s, n, c, k);
            double weight = PixelWeight(s, pixelWeights, n, k);
            intersection += weight * labels[index] * probabilities[index];
            probabilitySum += weight * probabilities[index];
            labelSum += weight * labels[index];
        }
        return (2 * intersection + epsilon, probabilitySum + labelSum + epsilon);
    }

    /// <summary>wᵢ of pixel k of slice n; 1 without weights.</summary>
    private static double PixelWeight(NchwSizes s, double[]? pixelWeights, int n, int k) =>
        pixelWeights is null ? 1.0 : pixelWeights[n * s.Plane + k];

    /// <summary>Flat index of class c at pixel k (k = y·W + x) of slice n.</summary>
    private static int ClassIndex(NchwSizes s, int n, int c, int k) => (n * s.Channels + c) * s.Plane + k;
}
