using NativeSeg.Engine.Validation;
using NativeSeg.Engine.Reference;
using NativeSeg.Engine.Tensors;
using NativeSeg.Engine.Tests.Support;

namespace NativeSeg.Engine.Tests.Reference;

public sealed class ResidualAddTests
{
    [TestCase(4, 8, 2)]
    [TestCase(16, 32, 8)] // HighResNet's res_2 entry: the 16 skip channels land at 8..23
    [TestCase(32, 64, 16)]
    [TestCase(3, 8, 2)]   // odd difference: ⌊5/2⌋ = 2 in front, 3 behind
    [TestCase(5, 5, 0)]
    public void Forward_AddsCentredSkipOnly(int skipChannels, int channels, int expectedOffset)
    {
        using var backend = new ReferenceBackend();
        var random = new TensorRandom(channels + skipChannels);
        const int n = 2, h = 3, w = 2, plane = h * w;
        var input = random.Uniform(n * channels * plane);
        var skip = random.Uniform(n * skipChannels * plane);
        var output = backend.Allocate(TensorShape.Nchw(n, channels, h, w));
        backend.ResidualAddForward(backend.Allocate(output.Shape, input), backend.Allocate(TensorShape.Nchw(n, skipChannels, h, w), skip), output);

        Assert.That(ReferenceOps.SkipOffset(channels, skipChannels), Is.EqualTo(expectedOffset));
        var y = backend.Data(output);
        for (int b = 0; b < n; b++)
        for (int c = 0; c < channels; c++)
        for (int k = 0; k < plane; k++)
        {
            int index = (b * channels + c) * plane + k;
            bool inSkip = c >= expectedOffset && c < expectedOffset + skipChannels;
            double expected = input[index] + (inSkip ? skip[(b * skipChannels + c - expectedOffset) * plane + k] : 0);
            Assert.That(y[index], Is.EqualTo(expected), $"n={b} c={c} k={k}");
        }
    }

    [TestCase(4, 8)]
    [TestCase(16, 32)]
    [TestCase(3, 8)]
    public void BackwardSkip_AccumulatesAndMatchesFiniteDifferences(int skipChannels, int channels)
    {
        using var backend = new ReferenceBackend();
        var random = new TensorRandom(3 * channels + skipChannels);
        const int n = 2, h = 3, w = 2;
        var input = backend.Allocate(TensorShape.Nchw(n, channels, h, w), random.Uniform(n * channels * h * w));
        var skip = backend.Allocate(TensorShape.Nchw(n, skipChannels, h, w), random.Uniform(n * skipChannels * h * w));
        var output = backend.Allocate(input.Shape);
        var r = random.Uniform(input.Length);
        double Loss()
        {
            backend.ResidualAddForward(input, skip, output);
            return FiniteDifference.Dot(r, backend.Data(output));
        }

        var alreadyThere = random.Uniform(skip.Length);
        var gradSkip = backend.Allocate(skip.Shape, alreadyThere);
        backend.ResidualAddBackwardSkip(backend.Allocate(input.Shape, r), gradSkip);

        var numeric = FiniteDifference.Gradient(backend.Data(skip), Loss, step: 1e-2);
        var skipShare = backend.Data(gradSkip).Select((g, k) => g - alreadyThere[k]).ToArray();
        ErrorReport.Check($"reference/ResidualAddBackwardSkip {skipChannels}->{channels} vs FD",
            ErrorMeasures.MaxRelativeError(skipShare, numeric), 1e-6);

        // The main path's gradient is gradOutput itself (no operation); confirm the forward agrees.
        var numericInput = FiniteDifference.Gradient(backend.Data(input), Loss, step: 1e-2);
        Assert.That(ErrorMeasures.MaxRelativeError(numericInput, r), Is.LessThan(1e-6));
    }
}
