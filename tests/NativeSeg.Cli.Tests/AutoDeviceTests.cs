using NativeSeg.Cli.Devices;
using NativeSeg.Engine.Ilgpu;

namespace NativeSeg.Cli.Tests;

/// <summary>
/// --device auto takes CUDA only on a GPU (name + driver version) whose `check --device cuda` passed, remembered in
/// a small file; otherwise cpu, with the reason. Tested with fake device descriptions (no GPU is needed).
/// </summary>
public sealed class AutoDeviceTests
{
    private static readonly CudaDeviceIdentity H200 = new("NVIDIA H200", "12.8");

    [Test]
    public void UnverifiedGpu_UsesCpu_AndSaysWhy()
    {
        using var folder = new TemporaryFolder();
        var verdicts = new CudaVerdicts(folder.File("cuda-verdicts.json"));
        var decision = AutoDevice.Choose("auto", H200, verdicts);
        Assert.That(decision.Device, Is.EqualTo("cpu"));
        Assert.That(decision.Note, Does.Contain("NVIDIA H200").And.Contain("nativeseg check --device cuda").And.Contain("--device cuda"));
    }

    [Test]
    public void VerifiedGpu_UsesCuda_UntilTheDriverChanges()
    {
        using var folder = new TemporaryFolder();
        var verdicts = new CudaVerdicts(Path.Combine(folder.Path, "cache", "nativeseg", "cuda-verdicts.json"));
        verdicts.RecordPassed(H200, DateTime.UtcNow);
        Assert.That(AutoDevice.Choose("auto", H200, verdicts), Is.EqualTo(new AutoDevice.Decision("cuda", null)));
        Assert.That(AutoDevice.Choose("auto", H200 with { DriverVersion = "13.0" }, verdicts).Device, Is.EqualTo("cpu"), "a new driver needs a new check");
        Assert.That(AutoDevice.Choose("auto", new CudaDeviceIdentity("NVIDIA H100", "12.8"), verdicts).Device, Is.EqualTo("cpu"), "another GPU too");
    }

    [Test]
    public void NoGpu_UsesCpu_Silently() =>
        Assert.That(AutoDevice.Choose("auto", null, new CudaVerdicts("/nonexistent/cuda-verdicts.json")), Is.EqualTo(new AutoDevice.Decision("cpu", null)));

    [Test]
    public void ExplicitDevice_IsTakenAsGiven() =>
        Assert.That(AutoDevice.Choose("cuda", H200, new CudaVerdicts("/nonexistent/cuda-verdicts.json")), Is.EqualTo(new AutoDevice.Decision("cuda", null)));

    [Test]
    public void CorruptVerdictFile_TrustsNothing()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("cuda-verdicts.json"), "{ not json");
        Assert.That(AutoDevice.Choose("auto", H200, new CudaVerdicts(folder.File("cuda-verdicts.json"))).Device, Is.EqualTo("cpu"));
    }
}
