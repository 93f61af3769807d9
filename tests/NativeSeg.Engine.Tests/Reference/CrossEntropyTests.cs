using NativeSeg.Engine.Validation;
using NativeSeg.Engine.Reference;
using NativeSeg.Engine.Tensors;
using NativeSeg.Engine.Tests.Support;

namespace NativeSeg.Engine.Tests.Reference;

/// <summary>
/// The cross-entropy loss of the reference backend: a hand value, its backward against finite differences through the
/// softmax (one-hot and soft labels), the add-to semantics of the backward, and the gradient where the network is
/// confidently wrong, which is what it is for (Dice-NS's gradient vanishes there).
/// </summary>
public sealed class CrossEntropyTests
{
    [Test]
    public void Forward_MatchesHandComputedSlices()
    {
        using var backend = new ReferenceBackend();
        // Slice 0: two pixels, p = 0.75 on the right class: L = −ln 0.75. Slice 1: p = 0.5 and 0.125 on the right class:
        // L = −(ln 0.5 + ln 0.125)/2 = 2·ln 2. A probability of 0 on the right class counts as the floor.
        double[] probabilities = [0.75, 0.25, 0.25, 0.75, 0.5, 0.875, 0.5, 0.125];
        double[] labels = [1, 0, 0, 1, 1, 0, 0, 1];
        var shape = TensorShape.Nchw(2, 2, 1, 2);
        var losses = backend.Allocate(TensorShape.Vector(2));
        backend.CrossEntropyLossForward(backend.Allocate(shape, probabilities), backend.Allocate(shape, labels), losses);
        Assert.That(backend.Data(losses)[0], Is.EqualTo(-Math.Log(0.75)).Within(1e-15));
        Assert.That(backend.Data(losses)[1], Is.EqualTo(2 * Math.Log(2)).Within(1e-15));

        var floored = backend.Allocate(TensorShape.Vector(1));
        backend.CrossEntropyLossForward(backend.Allocate(TensorShape.Nchw(1, 2, 1, 1), [0, 1]), backend.Allocate(TensorShape.Nchw(1, 2, 1, 1), [1, 0]), floored);
        Assert.That(backend.Data(floored)[0], Is.EqualTo(-Math.Log(OperationContracts.CrossEntropyProbabilityFloor)).Within(1e-12));
    }

    [TestCase(2, 2, 5, 6, false)]
    [TestCase(2, 3, 4, 3, false)]
    [TestCase(1, 2, 1, 1, false)]
    [TestCase(2, 2, 5, 6, true)]
    public void Backward_MatchesFiniteDifferencesThroughSoftmax(int n, int classes, int h, int w, bool softLabels)
    {
        using var backend = new ReferenceBackend();
        var random = new TensorRandom(n * 100 + classes * 10 + h * w + (softLabels ? 1 : 0));
        var shape = TensorShape.Nchw(n, classes, h, w);
        var logits = backend.Allocate(shape, random.Normal(shape.Length, std: 2));
        var labelValues = random.OneHot(n, classes, h, w);
        if (softLabels)
            for (int k = 0; k < h * w; k += 3) // ½/½ between classes 0 and 1 on every third pixel of slice 0
            {
                for (int c = 0; c < classes; c++) labelValues[c * h * w + k] = 0;
                labelValues[k] = labelValues[h * w + k] = 0.5;
            }
        var labels = backend.Allocate(shape, labelValues);
        var probabilities = backend.Allocate(shape);
        var losses = backend.Allocate(TensorShape.Vector(n));
        double Loss()
        {
            backend.SoftmaxForward(logits, probabilities);
            backend.CrossEntropyLossForward(probabilities, labels, losses);
            return backend.Data(losses).Average();
        }

        Loss();
        var gradLogits = backend.Allocate(shape, new double[shape.Length]);
        backend.CrossEntropyLossBackwardAdd(probabilities, labels, 1, gradLogits);
        var numeric = FiniteDifference.Gradient(backend.Data(logits), Loss, step: 1e-5);
        ErrorReport.Check($"reference/CrossEntropyLossBackwardAdd C={classes}{(softLabels ? " soft labels" : "")} vs FD",
            ErrorMeasures.MaxRelativeError(backend.Data(gradLogits), numeric), 1e-6);
    }

    [Test]
    public void Backward_AddsScaledToWhatIsThere()
    {
        using var backend = new ReferenceBackend();
        var random = new TensorRandom(5);
        var shape = TensorShape.Nchw(2, 2, 3, 4);
        var probabilities = backend.Allocate(shape);
        backend.SoftmaxForward(backend.Allocate(shape, random.Normal(shape.Length, std: 2)), probabilities);
        var labels = backend.Allocate(shape, random.OneHot(2, 2, 3, 4));
        var alone = backend.Allocate(shape, new double[shape.Length]);
        backend.CrossEntropyLossBackwardAdd(probabilities, labels, 1, alone);
        var earlier = random.Normal(shape.Length, std: 1);
        var added = backend.Allocate(shape, earlier);
        backend.CrossEntropyLossBackwardAdd(probabilities, labels, 2.5f, added);
        for (int i = 0; i < shape.Length; i++)
            Assert.That(backend.Data(added)[i], Is.EqualTo(earlier[i] + 2.5 * backend.Data(alone)[i]).Within(1e-15), $"element {i}");
    }

    [Test]
    public void Backward_DoesNotVanishWhereTheNetworkIsConfidentlyWrong()
    {
        using var backend = new ReferenceBackend();
        // One pixel of lung (class 1) that the network calls background with logit margin 12 (p_lung ≈ 6e-6).
        var shape = TensorShape.Nchw(1, 2, 1, 1);
        var probabilities = backend.Allocate(shape);
        backend.SoftmaxForward(backend.Allocate(shape, [6, -6]), probabilities);
        var labels = backend.Allocate(shape, [0, 1]);
        var crossEntropy = backend.Allocate(shape, new double[shape.Length]);
        backend.CrossEntropyLossBackwardAdd(probabilities, labels, 1, crossEntropy);
        var dice = backend.Allocate(shape);
        backend.DiceNsLossBackward(probabilities, labels, 1e-5f, dice);
        Assert.That(backend.Data(crossEntropy)[1], Is.LessThan(-0.99), "cross-entropy pushes the lung logit up at full strength");
        Assert.That(Math.Abs(backend.Data(dice)[1]), Is.LessThan(1e-4), "Dice-NS's gradient is all but gone through the saturated softmax");
    }
}
