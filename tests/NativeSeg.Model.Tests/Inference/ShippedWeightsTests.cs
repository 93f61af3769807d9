using NativeSeg.IO.Nifti;
using NativeSeg.IO.Volumes;
using NativeSeg.Model.Inference;
using NativeSeg.Model.Pipeline;
using NativeSeg.Tests.Shared;

namespace NativeSeg.Model.Tests.Inference;

/// <summary>
/// The weights in weights/ on real CT they never saw in training or model selection: a 24-slice slab through the
/// middle of LCTSC Case_009 (the held-out test patient), through the whole pipeline on the cpu backend, against the
/// reference lung mask. The model card's whole-volume numbers come from <c>nativeseg reproduce</c>; this keeps a
/// broken weights file, loader or pipeline from reaching a user.
/// </summary>
public sealed class ShippedWeightsTests
{
    [Test]
    public void SegmentTheHeldOutPatientsLungs()
    {
        var ct = NiftiReader.ReadFloat(RepositoryPaths.SharedData("lctsc", "Case_009_ct.nii.gz"));
        var reference = NiftiReader.ReadMask(RepositoryPaths.SharedData("lctsc", "Case_009_lungmask.nii.gz"));
        var lungSlices = Enumerable.Range(0, reference.Grid.SizeZ).Where(z => reference.Slice(z).ContainsAnyExcept((byte)0)).ToArray();
        const int depth = 24;
        int first = (lungSlices[0] + lungSlices[^1]) / 2 - depth / 2;

        using var segmenter = Segmenter.Load(RepositoryPaths.ShippedWeights, "cpu");
        var result = new LungSegmentationPipeline(segmenter).Run(Slab(ct, first, depth), "Case_009 slab", new SegmentationOptions());
        var expected = Slab(reference, first, depth);

        long both = 0, predicted = 0, actual = 0;
        for (int i = 0; i < expected.Voxels.Length; i++)
        {
            bool p = result.Mask.Voxels[i] != 0, a = expected.Voxels[i] != 0;
            predicted += p ? 1 : 0;
            actual += a ? 1 : 0;
            both += p && a ? 1 : 0;
        }
        double dice = 2.0 * both / (predicted + actual);
        TestContext.Progress.WriteLine($"shipped weights, Case_009 slices {first}..{first + depth - 1}: Dice {dice:F4}");
        Assert.That(dice, Is.GreaterThanOrEqualTo(0.95));
    }

    /// <summary>Slices first .. first + depth − 1 as a volume of their own, its affine moved to the first slice.</summary>
    internal static Volume<T> Slab<T>(Volume<T> volume, int first, int depth) where T : unmanaged
    {
        var g = volume.Grid;
        var (ox, oy, oz) = g.Affine.Apply(0, 0, first);
        var m = new double[3, 4];
        for (int row = 0; row < 3; row++)
            for (int column = 0; column < 3; column++)
                m[row, column] = g.Affine[row, column];
        (m[0, 3], m[1, 3], m[2, 3]) = (ox, oy, oz);
        var slab = new Volume<T>(new Grid(g.SizeX, g.SizeY, depth, new Affine(m)));
        volume.Voxels.AsSpan(first * g.SliceLength, depth * g.SliceLength).CopyTo(slab.Voxels);
        return slab;
    }
}
