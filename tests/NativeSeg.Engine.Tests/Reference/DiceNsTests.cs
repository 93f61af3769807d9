using NativeSeg.Engine.Validation;
using NativeSeg.Engine.Reference;
using NativeSeg.Engine.Tensors;
using NativeSeg.Engine.Tests.Support;

namespace NativeSeg.Engine.Tests.Reference;

public sealed class DiceNsTests
{
    private const float Epsilon = 1e-5f;

    [Test]
    public void Softmax_SumsToOneAndIgnoresAConstantShift()
    {
        using var backend = new ReferenceBackend();
        var shape = TensorShape.Nchw(2, 3, 2, 2);
        var logits = new TensorRandom(21).Normal(shape.Length, std: 3);
        var shifted = logits.Select(z => z + 1000).ToArray(); // would overflow exp without the max subtraction
        var p = backend.Allocate(shape);
        var q = backend.Allocate(shape);
        backend.SoftmaxForward(backend.Allocate(shape, logits), p);
        backend.SoftmaxForward(backend.Allocate(shape, shifted), q);
        Assert.That(ErrorMeasures.MaxRelativeError(backend.Data(q), backend.Data(p)), Is.LessThan(1e-12));
        var probabilities = backend.Data(p);
        for (int n = 0; n < 2; n++)
        for (int k = 0; k < 4; k++)
        {
            double sum = 0;
            for (int c = 0; c < 3; c++) sum += probabilities[(n * 3 + c) * 4 + k];
            Assert.That(sum, Is.EqualTo(1).Within(1e-14));
        }
        // Hand value: logits (0, ln 2, ln 5) give (1, 2, 5)/8.
        var hand = new double[3];
        ReferenceOps.SoftmaxForward(new(1, 3, 1, 1), [0, Math.Log(2), Math.Log(5)], hand);
        Assert.That(hand, Is.EqualTo(new[] { 0.125, 0.25, 0.625 }).Within(1e-15));
    }

    [Test]
    public void Forward_MatchesHandComputedSlices()
    {
        using var backend = new ReferenceBackend();
        // Slice 0: two pixels, labels class 0 then class 1, probabilities 0.75 on the right class.
        // Per class: I = 0.75, P = 1, G = 1, so D = (1.5 + ε)/(2 + ε) for both; L = 1 − D.
        // Slice 1: a perfect prediction with class 1 absent: D0 = (4+ε)/(4+ε) = 1, D1 = ε/ε = 1, L = 0.
        double[] probabilities = [0.75, 0.25, 0.25, 0.75, 1, 1, 0, 0];
        double[] labels = [1, 0, 0, 1, 1, 1, 0, 0];
        var shape = TensorShape.Nchw(2, 2, 1, 2);
        var losses = backend.Allocate(TensorShape.Vector(2));
        backend.DiceNsLossForward(backend.Allocate(shape, probabilities), backend.Allocate(shape, labels), Epsilon, losses);
        double e = Epsilon;
        Assert.That(backend.Data(losses)[0], Is.EqualTo(1 - (1.5 + e) / (2 + e)).Within(1e-15));
        Assert.That(backend.Data(losses)[1], Is.EqualTo(0).Within(1e-15));
    }

    [TestCase(2, 2, 5, 6, false)]
    [TestCase(2, 3, 5, 6, false)]
    [TestCase(3, 3, 4, 3, false)]
    [TestCase(1, 2, 1, 1, false)]
    [TestCase(2, 2, 5, 6, true)]
    [TestCase(2, 3, 4, 3, true)]
    public void Backward_MatchesFiniteDifferencesThroughSoftmax(int n, int classes, int h, int w, bool weighted)
    {
        using var backend = new ReferenceBackend();
        var random = new TensorRandom(n * 100 + classes * 10 + h * w);
        var shape = TensorShape.Nchw(n, classes, h, w);
        var logits = backend.Allocate(shape, random.Normal(shape.Length, std: 2));
        var labels = backend.Allocate(shape, random.OneHot(n, classes, h, w));
        var weights = weighted ? backend.Allocate(TensorShape.Nchw(n, 1, h, w), random.Uniform(n * h * w, 0, 5)) : null;
        var probabilities = backend.Allocate(shape);
        var losses = backend.Allocate(TensorShape.Vector(n));
        double Loss()
        {
            backend.SoftmaxForward(logits, probabilities);
            backend.DiceNsLossForward(probabilities, labels, Epsilon, losses, weights);
            return backend.Data(losses).Average();
        }

        Loss();
        var gradLogits = backend.Allocate(shape);
        backend.DiceNsLossBackward(probabilities, labels, Epsilon, gradLogits, weights);
        var numeric = FiniteDifference.Gradient(backend.Data(logits), Loss, step: 1e-5);
        ErrorReport.Check($"reference/DiceNsLossBackward C={classes}{(weighted ? " pixel-weighted" : "")} vs FD",
            ErrorMeasures.MaxRelativeError(backend.Data(gradLogits), numeric), 1e-6);

        // Shifting all logits of a pixel leaves p unchanged, so the gradient sums to zero over classes.
        var g = backend.Data(gradLogits);
        for (int b = 0; b < n; b++)
        for (int k = 0; k < h * w; k++)
        {
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += g[(b * classes + c) * h * w + k];
            Assert.That(sum, Is.EqualTo(0).Within(1e-15));
        }
    }

    [Test]
    public void WeightedForward_CountsAnIntegerWeightAsThatManyCopiesOfThePixel()
    {
        using var backend = new ReferenceBackend();
        var random = new TensorRandom(61);
        const int classes = 3, pixels = 17;
        var shape = TensorShape.Nchw(1, classes, 1, pixels);
        var probabilities = new double[shape.Length];
        ReferenceOps.SoftmaxForward(new(1, classes, 1, pixels), random.Normal(shape.Length, std: 2), probabilities);
        var labels = random.OneHot(1, classes, 1, pixels);
        var weights = random.Uniform(pixels, 0, 4).Select(Math.Floor).ToArray(); // 0, 1, 2 or 3 copies
        Assume.That(weights.Distinct().Count(), Is.EqualTo(4));

        // The same slice with pixel i written weights[i] times, unweighted.
        int copies = (int)weights.Sum();
        var repeatedP = new double[classes * copies];
        var repeatedG = new double[classes * copies];
        for (int c = 0, at = 0; c < classes; c++)
            for (int i = 0; i < pixels; i++)
                for (int k = 0; k < weights[i]; k++, at++)
                {
                    repeatedP[at] = probabilities[c * pixels + i];
                    repeatedG[at] = labels[c * pixels + i];
                }
        var weighted = new double[1];
        var repeated = new double[1];
        ReferenceOps.DiceNsLossForward(new(1, classes, 1, pixels), probabilities, labels, Epsilon, weighted, weights);
        ReferenceOps.DiceNsLossForward(new(1, classes, 1, copies), repeatedP, repeatedG, Epsilon, repeated);
        Assert.That(weighted[0], Is.EqualTo(repeated[0]).Within(1e-14));

        // Weights of one are the paper's loss, bit for bit.
        var unweighted = new double[1];
        var ones = new double[1];
        ReferenceOps.DiceNsLossForward(new(1, classes, 1, pixels), probabilities, labels, Epsilon, unweighted);
        ReferenceOps.DiceNsLossForward(new(1, classes, 1, pixels), probabilities, labels, Epsilon, ones, Enumerable.Repeat(1.0, pixels).ToArray());
        Assert.That(ones[0], Is.EqualTo(unweighted[0]));
        Assert.That(weighted[0], Is.Not.EqualTo(unweighted[0]).Within(1e-6), "the weights must change the loss");
    }

    [Test]
    public void PixelWeights_OfTheWrongShapeAreRefused()
    {
        using var backend = new ReferenceBackend();
        var shape = TensorShape.Nchw(2, 2, 3, 4);
        var p = backend.Allocate(shape);
        var g = backend.Allocate(shape);
        var losses = backend.Allocate(TensorShape.Vector(2));
        Assert.Throws<ShapeException>(() => backend.DiceNsLossForward(p, g, Epsilon, losses, backend.Allocate(TensorShape.Nchw(2, 2, 3, 4))));
        Assert.Throws<ShapeException>(() => backend.DiceNsLossBackward(p, g, Epsilon, backend.Allocate(shape), backend.Allocate(TensorShape.Nchw(1, 1, 3, 4))));
    }
}
