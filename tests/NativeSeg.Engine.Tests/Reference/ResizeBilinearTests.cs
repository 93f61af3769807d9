using NativeSeg.Engine.Validation;
using NativeSeg.Engine.Reference;
using NativeSeg.Engine.Tensors;
using NativeSeg.Engine.Tests.Support;

namespace NativeSeg.Engine.Tests.Reference;

public sealed class ResizeBilinearTests
{
    [Test]
    public void Upscale2x2To4x4_MatchesHandValues()
    {
        // Along each axis, out j reads src = (j + ½)/2 − ½ = −¼ (clamped to 0), ¼, ¾, 1¼ (right neighbour clamped),
        // so a row (a, b) becomes (a, ¾a + ¼b, ¼a + ¾b, b).
        using var backend = new ReferenceBackend();
        var output = backend.Allocate(TensorShape.Nchw(1, 1, 4, 4));
        backend.ResizeBilinearForward(backend.Allocate(TensorShape.Nchw(1, 1, 2, 2), [1, 2, 3, 4]), output);
        double[] expected =
        [
            1.0, 1.25, 1.75, 2.0,
            1.5, 1.75, 2.25, 2.5,
            2.5, 2.75, 3.25, 3.5,
            3.0, 3.25, 3.75, 4.0,
        ];
        Assert.That(backend.Data(output), Is.EqualTo(expected).Within(1e-15));
    }

    [Test]
    public void Downscale4To2_AveragesPairsWithoutAntialiasing()
    {
        // src = (j + ½)·2 − ½ = ½, 2½: the midpoints of pixel pairs (0,1) and (2,3).
        var output = new double[2];
        ReferenceOps.ResizeBilinearForward(new(1, 1, 1, 4), 1, 2, [1, 2, 3, 10], output);
        Assert.That(output, Is.EqualTo(new[] { 1.5, 6.5 }).Within(1e-15));

        // 6 → 2 reads src = 1 and 4 exactly: pure samples, pixels 0, 2, 3, 5 never contribute (no antialias).
        ReferenceOps.ResizeBilinearForward(new(1, 1, 1, 6), 1, 2, [100, 1, 100, 100, 4, 100], output);
        Assert.That(output, Is.EqualTo(new[] { 1.0, 4.0 }).Within(1e-15));
    }

    [Test]
    public void EqualSizes_AreTheIdentity()
    {
        using var backend = new ReferenceBackend();
        var shape = TensorShape.Nchw(2, 3, 7, 5);
        var values = new TensorRandom(31).Uniform(shape.Length);
        var output = backend.Allocate(shape);
        backend.ResizeBilinearForward(backend.Allocate(shape, values), output);
        Assert.That(backend.Data(output), Is.EqualTo(values));
    }

    [TestCase(5, 7, 3, 4)]
    [TestCase(3, 4, 8, 11)]
    [TestCase(9, 2, 4, 6)]
    [TestCase(1, 1, 3, 2)]
    public void Backward_IsTheAdjointAndMatchesFiniteDifferences(int inH, int inW, int outH, int outW)
    {
        using var backend = new ReferenceBackend();
        var random = new TensorRandom(inH * 1000 + inW * 100 + outH * 10 + outW);
        var input = backend.Allocate(TensorShape.Nchw(2, 2, inH, inW), random.Uniform(4 * inH * inW));
        var output = backend.Allocate(TensorShape.Nchw(2, 2, outH, outW));
        var y = random.Uniform(output.Length);
        var gradInput = backend.Allocate(input.Shape);
        backend.ResizeBilinearForward(input, output);
        backend.ResizeBilinearBackward(backend.Allocate(output.Shape, y), gradInput);

        // ⟨R x, y⟩ = ⟨x, Rᵀ y⟩
        double left = FiniteDifference.Dot(backend.Data(output), y);
        double right = FiniteDifference.Dot(backend.Data(input), backend.Data(gradInput));
        Assert.That(Math.Abs(left - right), Is.LessThan(1e-12 * Math.Max(1, Math.Abs(left))));

        double Loss()
        {
            backend.ResizeBilinearForward(input, output);
            return FiniteDifference.Dot(y, backend.Data(output));
        }
        var numeric = FiniteDifference.Gradient(backend.Data(input), Loss, step: 1e-2);
        ErrorReport.Check("reference/ResizeBilinearBackward vs FD", ErrorMeasures.MaxRelativeError(backend.Data(gradInput), numeric), 1e-6);
    }
}
