using NativeSeg.Engine.Cpu;
using NativeSeg.IO.Nifti;
using NativeSeg.Model.Inference;
using NativeSeg.Model.Pipeline;
using NativeSeg.Tests.Shared;

namespace NativeSeg.Model.Tests.Inference;

/// <summary>
/// The shipped weights give the same lung mask with Winograd convolutions as with the exact direct loop: a 24-slice
/// slab through the middle of LCTSC Case_009, the whole pipeline on the cpu backend, once with every 3×3 layer by
/// Winograd F(4×4, 3×3) (stricter than auto, which uses it from 32 channels on) and once direct.
/// </summary>
public sealed class WinogradShippedWeightsTests
{
    [Test]
    public void WinogradMaskAgreesWithTheDirectMask()
    {
        var ct = NiftiReader.ReadFloat(RepositoryPaths.SharedData("lctsc", "Case_009_ct.nii.gz"));
        const int depth = 24;
        int first = ct.Grid.SizeZ / 2 - depth / 2;
        var slab = ShippedWeightsTests.Slab(ct, first, depth);
        string weights = RepositoryPaths.ShippedWeights;

        byte[] Segment(CpuConvolutionAlgorithm algorithm)
        {
            using var backend = new CpuBackend(convolution: algorithm);
            using var segmenter = Segmenter.Load(weights, backend);
            return new LungSegmentationPipeline(segmenter).Run(slab, $"Case_009 slab ({algorithm})", new SegmentationOptions()).Mask.Voxels.ToArray();
        }

        var direct = Segment(CpuConvolutionAlgorithm.Direct);
        var winograd = Segment(CpuConvolutionAlgorithm.Winograd);
        long both = 0, inDirect = 0, inWinograd = 0, differing = 0;
        for (int i = 0; i < direct.Length; i++)
        {
            bool a = direct[i] != 0, b = winograd[i] != 0;
            inDirect += a ? 1 : 0;
            inWinograd += b ? 1 : 0;
            both += a && b ? 1 : 0;
            differing += direct[i] != winograd[i] ? 1 : 0;
        }
        double dice = 2.0 * both / (inDirect + inWinograd);
        TestContext.Progress.WriteLine($"Case_009 slices {first}..{first + depth - 1}: Winograd vs direct Dice {dice:F6}, " +
            $"{differing} of {direct.Length} voxels differ, {inDirect} lung voxels (direct)");
        Assert.That(inDirect, Is.GreaterThan(10_000), "the slab must contain lung");
        Assert.That(dice, Is.GreaterThanOrEqualTo(0.9999));
    }
}
