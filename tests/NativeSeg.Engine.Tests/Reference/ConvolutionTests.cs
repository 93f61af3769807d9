using NativeSeg.Engine.Validation;
using NativeSeg.Engine.Reference;
using NativeSeg.Engine.Tensors;
using NativeSeg.Engine.Tests.Support;

namespace NativeSeg.Engine.Tests.Reference;

/// <summary>Forward against hand values and an independent padded-image correlation; both backwards against finite differences.</summary>
public sealed class ConvolutionTests
{
    private const double Tolerance = 1e-6;

    [Test]
    public void Forward_MatchesHandComputedValues()
    {
        // One 3×3 image, one 3×3 kernel, dilation 1. The centre output sees the whole image; the corner output (0,0)
        // sees only image[0..1, 0..1] through kernel taps [1..2, 1..2].
        double[] image = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        double[] kernel = [1, 0, -1, 2, 0, -2, 1, 0, -1];
        var output = new double[9];
        ReferenceOps.ConvolutionForward(new(1, 1, 1, 3, 3, 3, 1), image, kernel, output);
        // centre: 1·1 − 3 + 2·4 − 2·6 + 7 − 9 = −8; corner: 0·1 + (−2)·2 + 0·4 + (−1)·5 = −9
        Assert.That(output[4], Is.EqualTo(-8).Within(1e-12));
        Assert.That(output[0], Is.EqualTo(-9).Within(1e-12));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(4)]
    public void Forward_MatchesCorrelationWithExplicitlyPaddedImage(int dilation)
    {
        // An independent formulation: pad the image by d zeros on every side, then correlate without bounds checks.
        const int n = 2, cin = 3, cout = 4, h = 9, w = 11;
        var random = new TensorRandom(100 + dilation);
        var input = random.Uniform(n * cin * h * w);
        var weights = random.Uniform(cout * cin * 9);
        var output = new double[n * cout * h * w];
        ReferenceOps.ConvolutionForward(new(n, cin, cout, h, w, 3, dilation), input, weights, output);

        int ph = h + 2 * dilation, pw = w + 2 * dilation;
        var padded = new double[n * cin * ph * pw];
        for (int b = 0; b < n; b++)
        for (int c = 0; c < cin; c++)
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            padded[((b * cin + c) * ph + y + dilation) * pw + x + dilation] = input[((b * cin + c) * h + y) * w + x];

        var expected = new double[output.Length];
        for (int b = 0; b < n; b++)
        for (int o = 0; o < cout; o++)
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            double sum = 0;
            for (int c = 0; c < cin; c++)
            for (int ky = 0; ky < 3; ky++)
            for (int kx = 0; kx < 3; kx++)
                sum += weights[((o * cin + c) * 3 + ky) * 3 + kx] * padded[((b * cin + c) * ph + y + ky * dilation) * pw + x + kx * dilation];
            expected[((b * cout + o) * h + y) * w + x] = sum;
        }
        Assert.That(ErrorMeasures.MaxRelativeError(output, expected), Is.LessThan(1e-14));
    }

    [TestCase(2, 3, 4, 9, 11, 3, 1)]
    [TestCase(2, 3, 4, 9, 11, 3, 2)]
    [TestCase(2, 3, 4, 9, 11, 3, 4)] // dilation 4 on 9×11: most taps of most pixels fall outside the image
    [TestCase(1, 2, 2, 5, 3, 3, 4)]  // dilation 4 larger than the image half-size: only the centre tap is ever inside for some rows
    [TestCase(2, 5, 3, 7, 6, 1, 1)]  // 1×1
    public void Backward_MatchesFiniteDifferences(int n, int cin, int cout, int h, int w, int kernel, int dilation)
    {
        using var backend = new ReferenceBackend();
        var random = new TensorRandom(n * 1000 + cin * 100 + dilation * 10 + kernel);
        var input = backend.Allocate(TensorShape.Nchw(n, cin, h, w), random.Uniform(n * cin * h * w));
        var weights = backend.Allocate(new TensorShape(cout, cin, kernel, kernel), random.Uniform(cout * cin * kernel * kernel));
        var output = backend.Allocate(TensorShape.Nchw(n, cout, h, w));
        var r = random.Uniform(n * cout * h * w);
        var gradOutput = backend.Allocate(output.Shape, r);

        double Loss()
        {
            backend.ConvolutionForward(input, weights, dilation, output);
            return FiniteDifference.Dot(r, backend.Data(output));
        }

        var gradInput = backend.Allocate(input.Shape);
        var gradWeights = backend.Allocate(weights.Shape);
        backend.ConvolutionBackwardData(gradOutput, weights, dilation, gradInput);
        backend.ConvolutionBackwardWeights(input, gradOutput, dilation, gradWeights);

        // The loss is linear in each argument, so the central difference is exact up to rounding; a large step rounds least.
        var numericInput = FiniteDifference.Gradient(backend.Data(input), Loss, step: 1e-2);
        var numericWeights = FiniteDifference.Gradient(backend.Data(weights), Loss, step: 1e-2);
        string label = $"reference/Convolution {kernel}x{kernel} d={dilation}";
        ErrorReport.Check(label + " backward-data vs FD", ErrorMeasures.MaxRelativeError(backend.Data(gradInput), numericInput), Tolerance);
        ErrorReport.Check(label + " backward-weights vs FD", ErrorMeasures.MaxRelativeError(backend.Data(gradWeights), numericWeights), Tolerance);
    }
}
