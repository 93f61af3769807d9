using NativeSeg.Engine.Validation;
using NativeSeg.Engine.Reference;
using NativeSeg.Engine.Tensors;
using NativeSeg.Engine.Tests.Support;

namespace NativeSeg.Engine.Tests.Reference;

public sealed class BatchNormTests
{
    private const int N = 2, C = 3, H = 5, W = 4;

    [Test]
    public void TrainingForward_NormalisesWithBiasedBatchStatisticsAndUpdatesRunningStatistics()
    {
        using var backend = new ReferenceBackend();
        var random = new TensorRandom(7);
        var x = random.Normal(N * C * H * W, std: 2, mean: 3);
        double[] gamma = [1.5, -0.5, 2], beta = [0.1, 0.2, -0.3], mean0 = [0.5, -1, 2], var0 = [1, 2, 0.5];
        var (output, runningMean, runningVariance, savedMean, savedInverseStd) = TrainingForward(backend, x, gamma, beta, mean0, var0);

        var settings = BatchNormSettings.Default;
        double momentum = settings.Momentum, epsilon = settings.Epsilon;
        for (int c = 0; c < C; c++)
        {
            var values = ChannelValues(x, c);
            double mean = values.Average();
            double biasedVariance = values.Sum(v => (v - mean) * (v - mean)) / values.Length;
            double inverseStd = 1 / Math.Sqrt(biasedVariance + epsilon);
            Assert.That(savedMean[c], Is.EqualTo(mean).Within(1e-12));
            Assert.That(savedInverseStd[c], Is.EqualTo(inverseStd).Within(1e-12));
            Assert.That(runningMean[c], Is.EqualTo((1 - momentum) * mean0[c] + momentum * mean).Within(1e-12));
            Assert.That(runningVariance[c], Is.EqualTo((1 - momentum) * var0[c] + momentum * biasedVariance).Within(1e-12));

            var normalised = ChannelValues(output, c).Select(y => (y - beta[c]) / gamma[c]).ToArray();
            Assert.That(normalised.Average(), Is.EqualTo(0).Within(1e-12));
            Assert.That(normalised.Sum(v => v * v) / normalised.Length, Is.EqualTo(biasedVariance * inverseStd * inverseStd).Within(1e-12));
        }
    }

    [Test]
    public void InferenceForward_UsesRunningStatistics()
    {
        using var backend = new ReferenceBackend();
        var x = new TensorRandom(8).Normal(N * C * H * W);
        double[] gamma = [1.5, -0.5, 2], beta = [0.1, 0.2, -0.3], mean = [0.5, -1, 2], variance = [1, 2, 0.5];
        const float epsilon = 1e-3f;
        var output = backend.Allocate(TensorShape.Nchw(N, C, H, W));
        backend.BatchNormInferenceForward(backend.Allocate(output.Shape, x), Vector(backend, gamma), Vector(backend, beta),
            Vector(backend, mean), Vector(backend, variance), epsilon, output);
        var y = backend.Data(output);
        for (int k = 0; k < x.Length; k++)
        {
            int c = k / (H * W) % C;
            double expected = gamma[c] * (x[k] - mean[c]) / Math.Sqrt(variance[c] + (double)epsilon) + beta[c];
            Assert.That(y[k], Is.EqualTo(expected).Within(1e-12));
        }
    }

    [TestCase(2, 3, 5, 4)]
    [TestCase(1, 2, 3, 3)]
    [TestCase(4, 2, 1, 2)] // few values per channel: the statistics' dependence on each x matters most
    public void Backward_MatchesFiniteDifferencesOfSumOfRTimesOutput(int n, int c, int h, int w)
    {
        using var backend = new ReferenceBackend();
        var random = new TensorRandom(n * 100 + c * 10 + h + w);
        var shape = TensorShape.Nchw(n, c, h, w);
        var input = backend.Allocate(shape, random.Normal(shape.Length, std: 2, mean: 1));
        var gamma = Vector(backend, random.Uniform(c, 0.5, 2));
        var beta = Vector(backend, random.Uniform(c));
        var runningMean = Vector(backend, new double[c]);
        var runningVariance = Vector(backend, Enumerable.Repeat(1.0, c).ToArray());
        var output = backend.Allocate(shape);
        var savedMean = backend.Allocate(TensorShape.Vector(c));
        var savedInverseStd = backend.Allocate(TensorShape.Vector(c));
        var r = random.Uniform(shape.Length);

        double Loss()
        {
            backend.BatchNormTrainingForward(input, gamma, beta, runningMean, runningVariance, BatchNormSettings.Default,
                output, savedMean, savedInverseStd);
            return FiniteDifference.Dot(r, backend.Data(output));
        }

        Loss(); // fills savedMean and savedInverseStd at the unperturbed point
        var gradInput = backend.Allocate(shape);
        var gradGamma = backend.Allocate(gamma.Shape);
        var gradBeta = backend.Allocate(beta.Shape);
        backend.BatchNormBackward(input, backend.Allocate(shape, r), gamma, savedMean, savedInverseStd, gradInput, gradGamma, gradBeta);

        var numericInput = FiniteDifference.Gradient(backend.Data(input), Loss, step: 1e-5);
        var numericGamma = FiniteDifference.Gradient(backend.Data(gamma), Loss, step: 1e-3); // linear in γ and β
        var numericBeta = FiniteDifference.Gradient(backend.Data(beta), Loss, step: 1e-3);
        string label = "reference/BatchNormBackward";
        ErrorReport.Check(label + " input vs FD", ErrorMeasures.MaxRelativeError(backend.Data(gradInput), numericInput), 1e-6);
        ErrorReport.Check(label + " gamma vs FD", ErrorMeasures.MaxRelativeError(backend.Data(gradGamma), numericGamma), 1e-6);
        ErrorReport.Check(label + " beta vs FD", ErrorMeasures.MaxRelativeError(backend.Data(gradBeta), numericBeta), 1e-6);
    }

    [TestCase(2, 3, 4, 5)]
    [TestCase(4, 2, 1, 2)]
    public void InferenceBackward_MatchesFiniteDifferencesOfSumOfRTimesOutput(int n, int c, int h, int w)
    {
        using var backend = new ReferenceBackend();
        var random = new TensorRandom(n * 1000 + c * 100 + h * 10 + w);
        var shape = TensorShape.Nchw(n, c, h, w);
        var input = backend.Allocate(shape, random.Normal(shape.Length, std: 2, mean: 1));
        var gamma = Vector(backend, random.Uniform(c, 0.5, 2));
        var beta = Vector(backend, random.Uniform(c));
        var runningMean = Vector(backend, random.Uniform(c, -1, 1));
        var runningVariance = Vector(backend, random.Uniform(c, 0.2, 3));
        var output = backend.Allocate(shape);
        var r = random.Uniform(shape.Length);
        var meanBefore = backend.Data(runningMean).ToArray();
        var varianceBefore = backend.Data(runningVariance).ToArray();

        double Loss()
        {
            backend.BatchNormInferenceForward(input, gamma, beta, runningMean, runningVariance, 1e-5f, output);
            return FiniteDifference.Dot(r, backend.Data(output));
        }

        var gradInput = backend.Allocate(shape);
        var gradGamma = backend.Allocate(gamma.Shape);
        var gradBeta = backend.Allocate(beta.Shape);
        backend.BatchNormInferenceBackward(input, backend.Allocate(shape, r), gamma, runningMean, runningVariance, 1e-5f,
            gradInput, gradGamma, gradBeta);

        var numericInput = FiniteDifference.Gradient(backend.Data(input), Loss, step: 1e-3); // linear in x, γ and β
        var numericGamma = FiniteDifference.Gradient(backend.Data(gamma), Loss, step: 1e-3);
        var numericBeta = FiniteDifference.Gradient(backend.Data(beta), Loss, step: 1e-3);
        string label = "reference/BatchNormInferenceBackward";
        ErrorReport.Check(label + " input vs FD", ErrorMeasures.MaxRelativeError(backend.Data(gradInput), numericInput), 1e-8);
        ErrorReport.Check(label + " gamma vs FD", ErrorMeasures.MaxRelativeError(backend.Data(gradGamma), numericGamma), 1e-8);
        ErrorReport.Check(label + " beta vs FD", ErrorMeasures.MaxRelativeError(backend.Data(gradBeta), numericBeta), 1e-8);
        // Held statistics: neither the forward nor the backward may move them.
        Assert.That(backend.Data(runningMean), Is.EqualTo(meanBefore));
        Assert.That(backend.Data(runningVariance), Is.EqualTo(varianceBefore));
    }

    private static (double[] Output, double[] RunningMean, double[] RunningVariance, double[] SavedMean, double[] SavedInverseStd)
        TrainingForward(ReferenceBackend backend, double[] x, double[] gamma, double[] beta, double[] mean0, double[] var0)
    {
        var output = backend.Allocate(TensorShape.Nchw(N, C, H, W));
        var runningMean = Vector(backend, mean0);
        var runningVariance = Vector(backend, var0);
        var savedMean = backend.Allocate(TensorShape.Vector(C));
        var savedInverseStd = backend.Allocate(TensorShape.Vector(C));
        backend.BatchNormTrainingForward(backend.Allocate(output.Shape, x), Vector(backend, gamma), Vector(backend, beta),
            runningMean, runningVariance, BatchNormSettings.Default, output, savedMean, savedInverseStd);
        return (backend.Data(output), backend.Data(runningMean), backend.Data(runningVariance), backend.Data(savedMean), backend.Data(savedInverseStd));
    }

    private static double[] ChannelValues(double[] values, int c) =>
        Enumerable.Range(0, values.Length).Where(k => k / (H * W) % C == c).Select(k => values[k]).ToArray();

    private static Tensor Vector(ReferenceBackend backend, double[] values) => backend.Allocate(TensorShape.Vector(values.Length), values);
}
