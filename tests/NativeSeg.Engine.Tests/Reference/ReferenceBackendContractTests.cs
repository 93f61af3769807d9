using NativeSeg.Engine.Reference;
using NativeSeg.Engine.Tensors;
using NativeSeg.Engine.Tests.Support;

namespace NativeSeg.Engine.Tests.Reference;

/// <summary>Transfers, allocation, and the rejection of every malformed call with a ShapeException naming the operation.</summary>
public sealed class ReferenceBackendContractTests
{
    private static readonly TensorShape Activation = TensorShape.Nchw(2, 3, 4, 5);

    [Test]
    public void UploadDownload_RoundTripsAndAllocateIsPoisoned()
    {
        using var backend = new ReferenceBackend();
        Assert.That(backend.Name, Is.EqualTo("reference"));
        var tensor = backend.Allocate(new TensorShape(2, 3));
        Assert.That(backend.Data(tensor), Has.All.NaN);

        float[] values = [1.5f, -2, 0.1f, 3, 4, 1e-8f];
        backend.Upload(values, tensor);
        Assert.That(backend.Data(tensor)[2], Is.EqualTo((double)0.1f)); // widened exactly
        var back = new float[6];
        backend.Download(tensor, back);
        Assert.That(back, Is.EqualTo(values));

        backend.Upload(new double[] { 0.1, 0, 0, 0, 0, 0 }, tensor);
        Assert.That(backend.Data(tensor)[0], Is.EqualTo(0.1)); // float64 upload keeps every bit

        var copy = backend.Allocate(tensor.Shape);
        backend.Copy(tensor, copy);
        Assert.That(backend.Data(copy), Is.EqualTo(backend.Data(tensor)));
        backend.Fill(copy, 2.5f);
        Assert.That(backend.Data(copy), Has.All.EqualTo(2.5));

        Assert.Throws<ShapeException>(() => backend.Upload(new float[5], tensor));
        Assert.Throws<ShapeException>(() => backend.Download(tensor, new float[7]));
        tensor.Dispose();
        Assert.Throws<ObjectDisposedException>(() => backend.Download(tensor, back));
    }

    [Test]
    public void TensorsOfAnotherBackend_AreRejected()
    {
        using var mine = new ReferenceBackend();
        using var other = new ReferenceBackend();
        var a = mine.Allocate(Activation);
        var b = other.Allocate(Activation);
        var e = Assert.Throws<ShapeException>(() => mine.ReluForward(a, b));
        Assert.That(e!.Operation, Is.EqualTo(nameof(IBackend.ReluForward)));
        e = Assert.Throws<ShapeException>(() => mine.ReluForward(b, b));
        Assert.That(e!.Operation, Is.EqualTo(nameof(IBackend.ReluForward)));
    }

    private static IEnumerable<TestCaseData> MalformedCalls()
    {
        int index = 0;
        TestCaseData Case(string operation, Action<ReferenceBackend> call) =>
            new TestCaseData(operation, call).SetName($"Rejects_{operation}_{++index}");
        static Tensor T(ReferenceBackend b, params int[] dims) => b.Allocate(new TensorShape(dims));

        yield return Case(nameof(IBackend.ConvolutionForward), b => b.ConvolutionForward(T(b, 2, 3, 4, 5), T(b, 4, 3, 3, 3), 1, T(b, 2, 4, 4, 6)));
        yield return Case(nameof(IBackend.ConvolutionForward), b => b.ConvolutionForward(T(b, 2, 3, 4, 5), T(b, 4, 2, 3, 3), 1, T(b, 2, 4, 4, 5)));
        yield return Case(nameof(IBackend.ConvolutionForward), b => b.ConvolutionForward(T(b, 2, 3, 4, 5), T(b, 4, 3, 3, 3), 3, T(b, 2, 4, 4, 5)));
        yield return Case(nameof(IBackend.ConvolutionForward), b => b.ConvolutionForward(T(b, 2, 3, 4, 5), T(b, 4, 3, 1, 1), 2, T(b, 2, 4, 4, 5)));
        yield return Case(nameof(IBackend.ConvolutionBackwardData), b => b.ConvolutionBackwardData(T(b, 2, 4, 4, 5), T(b, 4, 3, 3, 3), 1, T(b, 2, 3, 4, 6)));
        yield return Case(nameof(IBackend.ConvolutionBackwardWeights), b => b.ConvolutionBackwardWeights(T(b, 2, 3, 4, 5), T(b, 2, 4, 4, 5), 1, T(b, 4, 3, 2, 2)));
        yield return Case(nameof(IBackend.BatchNormTrainingForward), b => b.BatchNormTrainingForward(T(b, 2, 3, 4, 5), T(b, 3), T(b, 3), T(b, 4), T(b, 3),
            BatchNormSettings.Default, T(b, 2, 3, 4, 5), T(b, 3), T(b, 3)));
        yield return Case(nameof(IBackend.BatchNormInferenceForward), b => b.BatchNormInferenceForward(T(b, 2, 3, 4, 5), T(b, 3), T(b, 3), T(b, 3), T(b, 3),
            1e-5f, T(b, 2, 3, 4, 6)));
        yield return Case(nameof(IBackend.BatchNormBackward), b => b.BatchNormBackward(T(b, 2, 3, 4, 5), T(b, 2, 3, 4, 5), T(b, 3), T(b, 3), T(b, 3),
            T(b, 2, 3, 5, 4), T(b, 3), T(b, 3)));
        yield return Case(nameof(IBackend.BatchNormInferenceBackward), b => b.BatchNormInferenceBackward(T(b, 2, 3, 4, 5), T(b, 2, 3, 4, 5), T(b, 3),
            T(b, 3), T(b, 3), 1e-5f, T(b, 2, 3, 5, 4), T(b, 3), T(b, 3)));
        yield return Case(nameof(IBackend.BatchNormInferenceBackward), b => b.BatchNormInferenceBackward(T(b, 2, 3, 4, 5), T(b, 2, 3, 4, 5), T(b, 3),
            T(b, 4), T(b, 3), 1e-5f, T(b, 2, 3, 4, 5), T(b, 3), T(b, 3)));
        yield return Case(nameof(IBackend.ReluForward), b => b.ReluForward(T(b, 2, 3, 4, 5), T(b, 2, 3, 4, 6)));
        yield return Case(nameof(IBackend.ReluBackward), b => b.ReluBackward(T(b, 2, 3, 4, 5), T(b, 2, 3, 4, 5), T(b, 2, 3, 4, 6)));
        yield return Case(nameof(IBackend.ResidualAddForward), b => b.ResidualAddForward(T(b, 2, 3, 4, 5), T(b, 2, 4, 4, 5), T(b, 2, 3, 4, 5)));
        yield return Case(nameof(IBackend.ResidualAddForward), b => b.ResidualAddForward(T(b, 2, 8, 4, 5), T(b, 2, 4, 4, 5), T(b, 2, 4, 4, 5)));
        yield return Case(nameof(IBackend.ResidualAddBackwardSkip), b => b.ResidualAddBackwardSkip(T(b, 2, 8, 4, 5), T(b, 2, 4, 4, 6)));
        yield return Case(nameof(IBackend.SoftmaxForward), b => b.SoftmaxForward(T(b, 2, 3, 4, 5), T(b, 2, 2, 4, 5)));
        yield return Case(nameof(IBackend.DiceNsLossForward), b => b.DiceNsLossForward(T(b, 2, 3, 4, 5), T(b, 2, 2, 4, 5), 1e-5f, T(b, 2)));
        yield return Case(nameof(IBackend.DiceNsLossForward), b => b.DiceNsLossForward(T(b, 2, 3, 4, 5), T(b, 2, 3, 4, 5), 1e-5f, T(b, 3)));
        yield return Case(nameof(IBackend.DiceNsLossForward), b => b.DiceNsLossForward(T(b, 2, 3, 4, 5), T(b, 2, 3, 4, 5), 0f, T(b, 2)));
        yield return Case(nameof(IBackend.DiceNsLossBackward), b => b.DiceNsLossBackward(T(b, 2, 3, 4, 5), T(b, 2, 3, 4, 5), 1e-5f, T(b, 2, 3, 5, 4)));
        yield return Case(nameof(IBackend.CrossEntropyLossForward), b => b.CrossEntropyLossForward(T(b, 2, 3, 4, 5), T(b, 2, 2, 4, 5), T(b, 2)));
        yield return Case(nameof(IBackend.CrossEntropyLossForward), b => b.CrossEntropyLossForward(T(b, 2, 3, 4, 5), T(b, 2, 3, 4, 5), T(b, 3)));
        yield return Case(nameof(IBackend.CrossEntropyLossBackwardAdd), b => b.CrossEntropyLossBackwardAdd(T(b, 2, 3, 4, 5), T(b, 2, 3, 4, 5), 1, T(b, 2, 3, 5, 4)));
        yield return Case(nameof(IBackend.CrossEntropyLossBackwardAdd), b => b.CrossEntropyLossBackwardAdd(T(b, 2, 3, 4, 5), T(b, 2, 3, 4, 5), float.NaN, T(b, 2, 3, 4, 5)));
        yield return Case(nameof(IBackend.AdamStep), b => b.AdamStep(T(b, 3, 3), T(b, 3, 3), T(b, 3, 3), T(b, 9), AdamSettings.Paper, 1, 0));
        yield return Case(nameof(IBackend.AdamStep), b => b.AdamStep(T(b, 3, 3), T(b, 3, 3), T(b, 3, 3), T(b, 3, 3), AdamSettings.Paper, 0, 0));
        yield return Case(nameof(IBackend.ResizeBilinearForward), b => b.ResizeBilinearForward(T(b, 2, 3, 4, 5), T(b, 2, 2, 8, 10)));
        yield return Case(nameof(IBackend.ResizeBilinearBackward), b => b.ResizeBilinearBackward(T(b, 1, 3, 8, 10), T(b, 2, 3, 4, 5)));
        yield return Case(nameof(IBackend.Copy), b => b.Copy(T(b, 2, 3), T(b, 3, 2)));
    }

    [TestCaseSource(nameof(MalformedCalls))]
    public void MalformedCall_ThrowsShapeExceptionNamingTheOperation(string operation, Action<ReferenceBackend> call)
    {
        using var backend = new ReferenceBackend();
        var e = Assert.Throws<ShapeException>(() => call(backend));
        Assert.That(e!.Operation, Is.EqualTo(operation));
        Assert.That(e.Message, Does.StartWith(operation + ":"));
    }

    [Test]
    public void WellFormedShapes_AreAccepted()
    {
        // The same shapes as the malformed cases, corrected, so the rejections above are about the shapes only.
        using var b = new ReferenceBackend();
        var x = b.Allocate(Activation, new TensorRandom(1).Uniform(Activation.Length));
        var y = b.Allocate(TensorShape.Nchw(2, 4, 4, 5));
        var w = b.Allocate(new TensorShape(4, 3, 3, 3), new TensorRandom(2).Uniform(108));
        Assert.DoesNotThrow(() => b.ConvolutionForward(x, w, 4, y));
        Assert.DoesNotThrow(() => b.ResizeBilinearForward(x, b.Allocate(TensorShape.Nchw(2, 3, 8, 10))));
    }
}
