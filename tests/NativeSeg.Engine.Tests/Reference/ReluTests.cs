using NativeSeg.Engine.Validation;
using NativeSeg.Engine.Reference;
using NativeSeg.Engine.Tensors;
using NativeSeg.Engine.Tests.Support;

namespace NativeSeg.Engine.Tests.Reference;

public sealed class ReluTests
{
    [Test]
    public void Forward_ClampsNegativesAndWorksInPlace()
    {
        using var backend = new ReferenceBackend();
        var x = backend.Allocate(TensorShape.Nchw(1, 1, 2, 3), [-2, -0.0, 0, 0.5, 3, -1e-300]);
        backend.ReluForward(x, x);
        Assert.That(backend.Data(x), Is.EqualTo(new double[] { 0, 0, 0, 0.5, 3, 0 }));
    }

    [Test]
    public void Backward_MatchesFiniteDifferences()
    {
        using var backend = new ReferenceBackend();
        var random = new TensorRandom(11);
        var shape = TensorShape.Nchw(2, 3, 4, 5);
        var input = backend.Allocate(shape, random.AwayFromZero(shape.Length, margin: 1e-2));
        var output = backend.Allocate(shape);
        var r = random.Uniform(shape.Length);
        double Loss()
        {
            backend.ReluForward(input, output);
            return FiniteDifference.Dot(r, backend.Data(output));
        }
        Loss();
        // gradOutput and gradInput may alias: run in place on a copy of r.
        var grad = backend.Allocate(shape, r);
        backend.ReluBackward(output, grad, grad);
        var numeric = FiniteDifference.Gradient(backend.Data(input), Loss, step: 1e-3); // smaller than the 1e-2 margin
        ErrorReport.Check("reference/ReluBackward vs FD", ErrorMeasures.MaxRelativeError(backend.Data(grad), numeric), 1e-6);
    }
}
