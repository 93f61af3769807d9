using NativeSeg.Engine.Validation;
using NativeSeg.Engine.Reference;
using NativeSeg.Engine.Tensors;
using NativeSeg.Engine.Tests.Support;

namespace NativeSeg.Engine.Tests.Reference;

public sealed class AdamAndRegularizationTests
{
    [Test]
    public void Adam_TwoStepsMatchHandComputation()
    {
        // lr = 0.1, β1 = β2 = 0.5, ε = 0, l2 = 0.5, θ₀ = 1.
        // Step 1: gradient 2 → g = 2 + 0.5·1 = 2.5; m = 1.25, v = 3.125; m̂ = 1.25/0.5 = 2.5, v̂ = 3.125/0.5 = 6.25;
        //         θ₁ = 1 − 0.1·2.5/2.5 = 0.9.
        // Step 2: gradient −2.95 → g = −2.95 + 0.5·0.9 = −2.5; m = 0.625 − 1.25 = −0.625, v = 1.5625 + 3.125 = 4.6875;
        //         m̂ = −0.625/0.75 = −5/6, v̂ = 4.6875/0.75 = 6.25; θ₂ = 0.9 + 0.1·(5/6)/2.5 = 0.9 + 1/30.
        double[] theta = [1], m = [0], v = [0];
        ReferenceOps.AdamStep(theta, [2], m, v, 0.1, 0.5, 0.5, 0, step: 1, l2Coefficient: 0.5);
        Assert.That(theta[0], Is.EqualTo(0.9).Within(1e-15));
        Assert.That(m[0], Is.EqualTo(1.25).Within(1e-15));
        Assert.That(v[0], Is.EqualTo(3.125).Within(1e-15));
        ReferenceOps.AdamStep(theta, [-2.95], m, v, 0.1, 0.5, 0.5, 0, step: 2, l2Coefficient: 0.5);
        Assert.That(m[0], Is.EqualTo(-0.625).Within(1e-15));
        Assert.That(v[0], Is.EqualTo(4.6875).Within(1e-15));
        Assert.That(theta[0], Is.EqualTo(0.9 + 1.0 / 30).Within(1e-15));
    }

    [Test]
    public void Adam_BackendUsesTheFloatSettingsAndFirstStepMovesByLearningRate()
    {
        // On step 1 with ε → 0, m̂/√v̂ = g/|g|, so every parameter moves by exactly lr against its gradient's sign.
        using var backend = new ReferenceBackend();
        var random = new TensorRandom(41);
        var shape = new TensorShape(3, 4);
        var theta0 = random.Uniform(12);
        var parameter = backend.Allocate(shape, theta0);
        var gradient = backend.Allocate(shape, random.AwayFromZero(12, margin: 0.1));
        var m = backend.Allocate(shape, new double[12]);
        var v = backend.Allocate(shape, new double[12]);
        var settings = AdamSettings.Paper;
        backend.AdamStep(parameter, gradient, m, v, settings, 1, 0f);
        for (int k = 0; k < 12; k++)
        {
            double expected = theta0[k] - (double)settings.LearningRate * Math.Sign(backend.Data(gradient)[k]);
            Assert.That(backend.Data(parameter)[k], Is.EqualTo(expected).Within(1e-6));
        }
    }

    [TestCase(L2Reduction.Mean)]
    [TestCase(L2Reduction.Sum)]
    public void L2Penalty_MatchesHandValueAndItsGradientMatchesFiniteDifferences(L2Reduction reduction)
    {
        using var backend = new ReferenceBackend();
        double[] a = [1, 2], b = [3], c = [-1, 0.5, 2];
        const double decay = 0.1;
        // Σv² = 5, 9, 5.25 → decay·½·Σv² = 0.25, 0.45, 0.2625; sum 0.9625, mean 0.9625/3.
        double expected = reduction == L2Reduction.Mean ? 0.9625 / 3 : 0.9625;
        var tensors = new[] { a, b, c }.Select(t => backend.Allocate(TensorShape.Vector(t.Length), t)).ToArray();
        Assert.That(L2Regularization.Penalty(backend, tensors, decay, reduction), Is.EqualTo(expected).Within(1e-15));
        Assert.That(ReferenceOps.L2Penalty([a, b, c], decay, reduction), Is.EqualTo(expected).Within(1e-15));
        Assert.That(L2Regularization.Coefficient(3, decay, reduction), Is.EqualTo(reduction == L2Reduction.Mean ? decay / 3 : decay));

        double[][] values = [a, b, c];
        double[][] gradients = [new double[2], new double[1], new double[3]];
        ReferenceOps.L2PenaltyGradient(values, decay, reduction, gradients);
        foreach (var (tensor, gradient) in values.Zip(gradients))
        {
            var numeric = FiniteDifference.Gradient(tensor, () => ReferenceOps.L2Penalty(values, decay, reduction), step: 1e-3);
            ErrorReport.Check("reference/L2PenaltyGradient vs FD", ErrorMeasures.MaxRelativeError(gradient, numeric), 1e-6);
        }
    }

    [Test]
    public void SumOfSquares_IsExact()
    {
        using var backend = new ReferenceBackend();
        Assert.That(backend.SumOfSquares(backend.Allocate(new TensorShape(2, 2), [1, -2, 3, 0.5])), Is.EqualTo(14.25));
    }
}
