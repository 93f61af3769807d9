using NativeSeg.Engine.Reference;
using static NativeSeg.Engine.OperationContracts;

namespace NativeSeg.Engine.Validation;

// The finite-difference half of the op catalogue: every hand-derived backward pass of the float64 reference against
// central finite differences of its forward pass. For a random r, the scalar Σ r·forward(x) has gradient backward(r)
// with respect to x. Shapes are small and odd, batch 2, and dilation 4 reaches past the image borders.
public sealed partial class OperationCatalog
{
    private readonly List<GradientProof> _proofs = [];

    /// <summary>Every proof, in a fixed order; the same seed gives the same inputs.</summary>
    public IReadOnlyList<GradientProof> GradientProofs()
    {
        _proofs.Clear();
        _random = new Random(seed);
        ProveConvolution(3, 4, 3, 1);
        ProveConvolution(3, 4, 3, 2);
        ProveConvolution(2, 3, 3, 4);
        ProveConvolution(5, 2, 1, 1);
        ProveBatchNorm();
        ProveRelu();
        ProveResidual();
        ProveDiceNs(2, weighted: false);
        ProveDiceNs(3, weighted: false);
        ProveDiceNs(2, weighted: true);
        ProveCrossEntropy(2);
        ProveCrossEntropy(3);
        ProveResize(4, 5, 7, 3);
        ProveResize(6, 4, 3, 9);
        return [.. _proofs];
    }

    private void ProveConvolution(int inC, int outC, int kernel, int dilation)
    {
        var s = new ConvolutionSizes(2, inC, outC, 9, 7, kernel, dilation);
        var x = Uniform(s.Batch * inC * s.Height * s.Width);
        var w = Uniform(outC * inC * kernel * kernel);
        var r = Uniform(s.Batch * outC * s.Height * s.Width);
        var y = new double[r.Length];
        double Loss() { ReferenceOps.ConvolutionForward(s, x, w, y); return FiniteDifference.Dot(r, y); }
        string name = kernel == 1 ? "conv1x1" : $"conv3x3 d{dilation}";
        var dx = new double[x.Length];
        ReferenceOps.ConvolutionBackwardData(s, r, w, dx);
        Record($"{name} backward data", dx, FiniteDifference.Gradient(x, Loss));
        var dw = new double[w.Length];
        ReferenceOps.ConvolutionBackwardWeights(s, x, r, dw);
        Record($"{name} backward weights", dw, FiniteDifference.Gradient(w, Loss));
    }

    private void ProveBatchNorm()
    {
        var s = new NchwSizes(2, 3, 5, 3);
        int length = s.Batch * s.Channels * s.Plane;
        var x = Uniform(length, 2);
        var gamma = Uniform(s.Channels);
        var beta = Uniform(s.Channels);
        var r = Uniform(length);
        var y = new double[length];
        var mean = new double[s.Channels];
        var inverseStd = new double[s.Channels];
        double Loss()
        {
            ReferenceOps.BatchNormTrainingForward(s, x, gamma, beta, new double[s.Channels], new double[s.Channels], 0.1, 1e-5, y, mean, inverseStd);
            return FiniteDifference.Dot(r, y);
        }
        Loss();
        var dx = new double[length];
        var dGamma = new double[s.Channels];
        var dBeta = new double[s.Channels];
        ReferenceOps.BatchNormBackward(s, x, r, gamma, mean, inverseStd, dx, dGamma, dBeta);
        Record("batchnorm backward input", dx, FiniteDifference.Gradient(x, Loss));
        Record("batchnorm backward gamma", dGamma, FiniteDifference.Gradient(gamma, Loss));
        Record("batchnorm backward beta", dBeta, FiniteDifference.Gradient(beta, Loss));

        // The inference form: running statistics as constants (fine-tuning with held statistics).
        var runningMean = Uniform(s.Channels);
        var runningVariance = Uniform(s.Channels).Select(v => 0.5 + Math.Abs(v)).ToArray();
        double InferenceLoss()
        {
            ReferenceOps.BatchNormInferenceForward(s, x, gamma, beta, runningMean, runningVariance, 1e-5, y);
            return FiniteDifference.Dot(r, y);
        }
        var heldDx = new double[length];
        var heldDGamma = new double[s.Channels];
        var heldDBeta = new double[s.Channels];
        ReferenceOps.BatchNormInferenceBackward(s, x, r, gamma, runningMean, runningVariance, 1e-5, heldDx, heldDGamma, heldDBeta);
        Record("batchnorm inference backward input", heldDx, FiniteDifference.Gradient(x, InferenceLoss));
        Record("batchnorm inference backward gamma", heldDGamma, FiniteDifference.Gradient(gamma, InferenceLoss));
        Record("batchnorm inference backward beta", heldDBeta, FiniteDifference.Gradient(beta, InferenceLoss));
    }

    private void ProveRelu()
    {
        // Keep inputs away from the kink at 0, where the finite difference straddles it.
        var x = Uniform(60).Select(v => v + 0.1 * Math.Sign(v)).ToArray();
        var r = Uniform(60);
        var y = new double[60];
        double Loss() { ReferenceOps.ReluForward(x, y); return FiniteDifference.Dot(r, y); }
        Loss();
        var dx = new double[60];
        ReferenceOps.ReluBackward(y, r, dx);
        Record("relu backward", dx, FiniteDifference.Gradient(x, Loss));
    }

    private void ProveResidual()
    {
        var s = new NchwSizes(2, 8, 3, 5);
        const int skipChannels = 4;
        var x = Uniform(s.Batch * s.Channels * s.Plane);
        var skip = Uniform(s.Batch * skipChannels * s.Plane);
        var r = Uniform(x.Length);
        var y = new double[x.Length];
        double Loss() { ReferenceOps.ResidualAddForward(s, skipChannels, x, skip, y); return FiniteDifference.Dot(r, y); }
        var dSkip = new double[skip.Length];
        ReferenceOps.ResidualAddBackwardSkip(s, skipChannels, r, dSkip);
        Record("residual add backward skip (4 → 8)", dSkip, FiniteDifference.Gradient(skip, Loss));
    }

    /// <summary>A loss's inputs: 2 slices of 4×5 pixels, logits in ±3 and a random one-hot class per pixel.</summary>
    private (NchwSizes Sizes, double[] Logits, double[] Labels) LossCase(int classes)
    {
        var s = new NchwSizes(2, classes, 4, 5);
        int length = s.Batch * classes * s.Plane;
        var logits = Uniform(length, 3);
        var labels = new double[length];
        for (int b = 0; b < s.Batch; b++)
            for (int p = 0; p < s.Plane; p++)
                labels[(b * classes + _random.Next(classes)) * s.Plane + p] = 1;
        return (s, logits, labels);
    }

    /// <param name="weighted">With pixel weights 0 … 4 (IBackend.DiceNsLossForward).</param>
    private void ProveDiceNs(int classes, bool weighted)
    {
        var (s, logits, labels) = LossCase(classes);
        int length = logits.Length;
        var weights = weighted ? Uniform(s.Batch * s.Plane, 2).Select(v => v + 2).ToArray() : null;
        var probabilities = new double[length];
        var sliceLosses = new double[s.Batch];
        double Loss()
        {
            ReferenceOps.SoftmaxForward(s, logits, probabilities);
            ReferenceOps.DiceNsLossForward(s, probabilities, labels, 1e-5, sliceLosses, weights);
            return sliceLosses.Average();
        }
        Loss();
        var gradient = new double[length];
        ReferenceOps.DiceNsLossBackward(s, probabilities, labels, 1e-5, gradient, weights);
        Record($"{(weighted ? "pixel-weighted " : "")}dice-ns backward to logits ({classes} classes)", gradient, FiniteDifference.Gradient(logits, Loss));
    }

    /// <summary>The cross-entropy through the softmax, from a gradient of zeros (its backward adds to what is there).</summary>
    private void ProveCrossEntropy(int classes)
    {
        var (s, logits, labels) = LossCase(classes);
        int length = logits.Length;
        var probabilities = new double[length];
        var sliceLosses = new double[s.Batch];
        double Loss()
        {
            ReferenceOps.SoftmaxForward(s, logits, probabilities);
            ReferenceOps.CrossEntropyLossForward(s, probabilities, labels, sliceLosses);
            return sliceLosses.Average();
        }
        Loss();
        var gradient = new double[length];
        ReferenceOps.CrossEntropyLossBackwardAdd(s, probabilities, labels, 1.0, gradient);
        Record($"cross-entropy backward to logits ({classes} classes)", gradient, FiniteDifference.Gradient(logits, Loss));
    }

    private void ProveResize(int inH, int inW, int outH, int outW)
    {
        var s = new NchwSizes(2, 2, inH, inW);
        var x = Uniform(s.Batch * s.Channels * s.Plane);
        var r = Uniform(s.Batch * s.Channels * outH * outW);
        var y = new double[r.Length];
        double Loss() { ReferenceOps.ResizeBilinearForward(s, outH, outW, x, y); return FiniteDifference.Dot(r, y); }
        var dx = new double[x.Length];
        ReferenceOps.ResizeBilinearBackward(s, outH, outW, r, dx);
        Record($"bilinear resize backward {inH}×{inW} → {outH}×{outW}", dx, FiniteDifference.Gradient(x, Loss));
    }

    /// <summary>The proof's two gradients are computed as the catalogue is read (float64, tiny shapes: milliseconds).</summary>
    private void Record(string operation, double[] analytic, double[] numeric) =>
        _proofs.Add(new GradientProof(operation, () => (analytic, numeric)));

    private double[] Uniform(int length, double scale = 1)
    {
        var values = new double[length];
        for (int i = 0; i < length; i++) values[i] = scale * (2 * _random.NextDouble() - 1);
        return values;
    }
}
