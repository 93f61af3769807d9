using NativeSeg.Engine.Ilgpu;
using NativeSeg.Engine.Reference;
using NativeSeg.Engine.Tensors;

namespace NativeSeg.Engine.Tests.Ilgpu;

/// <summary>Construction, device detection and argument checks of the ILGPU backend.</summary>
[TestFixture]
[NonParallelizable]
public sealed class IlgpuBackendTests
{
    [Test]
    public void SimulatorIsNamedAndShapedLikeAGpu()
    {
        using var backend = IlgpuBackend.CreateCpuSimulator();
        Assert.That(backend.Name, Is.EqualTo("ilgpu-cpu"));
        Assert.That(backend.Description, Does.Contain("warp 32"));
        TestContext.Progress.WriteLine($"ilgpu-cpu: {backend.Description}");
    }

    [Test]
    public void CudaDetectionNeverThrowsAndCreateCudaFailsCleanlyWithoutAGpu()
    {
        bool available = false;
        Assert.DoesNotThrow(() => available = IlgpuBackend.IsCudaAvailable());
        TestContext.Progress.WriteLine($"IlgpuBackend.IsCudaAvailable() = {available}");
        if (available)
        {
            using var cuda = IlgpuBackend.CreateCuda();
            Assert.That(cuda.Name, Is.EqualTo("cuda"));
        }
        else
        {
            Assert.Throws<DeviceUnavailableException>(() => IlgpuBackend.CreateCuda().Dispose());
        }
    }

    [Test]
    public void RejectsMismatchedShapesAndForeignTensors()
    {
        using var backend = IlgpuBackend.CreateCpuSimulator();
        using var reference = new ReferenceBackend();
        using var x = backend.Allocate(TensorShape.Nchw(1, 2, 5, 5));
        using var w = backend.Allocate(new TensorShape(3, 4, 3, 3));
        using var y = backend.Allocate(TensorShape.Nchw(1, 3, 5, 5));
        var ex = Assert.Throws<ShapeException>(() => backend.ConvolutionForward(x, w, 1, y));
        Assert.That(ex!.Operation, Is.EqualTo(nameof(IBackend.ConvolutionForward)));

        using var foreign = reference.Allocate(TensorShape.Nchw(1, 2, 5, 5));
        Assert.Throws<ShapeException>(() => backend.ReluForward(foreign, foreign));
        Assert.Throws<ShapeException>(() => backend.Upload(new float[3], x));
    }

    [Test]
    public void UploadDownloadRoundTripsAndDisposedTensorsAreRefused()
    {
        using var backend = IlgpuBackend.CreateCpuSimulator();
        var values = IlgpuTestHarness.Values(60, new Random(1));
        var t = backend.Allocate(TensorShape.Nchw(1, 3, 4, 5));
        backend.Upload(values, t);
        var back = new float[60];
        backend.Download(t, back);
        Assert.That(back, Is.EqualTo(values));
        t.Dispose();
        Assert.Throws<ObjectDisposedException>(() => backend.Download(t, back));
    }

    [Test]
    public void TensorsMayOutliveTheirBackend()
    {
        var backend = IlgpuBackend.CreateCpuSimulator();
        var t = backend.Allocate(TensorShape.Vector(8));
        backend.Dispose();
        Assert.DoesNotThrow(t.Dispose);
        Assert.Throws<ObjectDisposedException>(() => backend.Allocate(TensorShape.Vector(8)));
    }
}
