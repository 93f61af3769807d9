using NativeSeg.Engine.Cpu;
using NativeSeg.Engine.Reference;
using NativeSeg.Model.Pipeline;

namespace NativeSeg.Model.Tests.Pipeline;

/// <summary>
/// The batch size follows the device unless asked for: one slice on cpu (no faster with more, only larger: issue 15's
/// ≤ 1 GB goal), eight on the others.
/// </summary>
public class SegmentationOptionsTests
{
    [Test]
    public void DefaultBatchIsOneSliceOnCpuAndEightElsewhere()
    {
        using var cpu = new CpuBackend();
        using var reference = new ReferenceBackend();
        Assert.That(SegmentationOptions.DefaultBatchSize(cpu), Is.EqualTo(1));
        Assert.That(SegmentationOptions.DefaultBatchSize(reference), Is.EqualTo(8));
        Assert.That(new SegmentationOptions().BatchSize, Is.Null, "unset: the pipeline asks the backend");
    }
}
