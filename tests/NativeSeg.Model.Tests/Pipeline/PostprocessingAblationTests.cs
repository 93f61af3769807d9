using NativeSeg.IO.Nifti;
using NativeSeg.IO.Volumes;
using NativeSeg.Model.Inference;
using NativeSeg.Model.Pipeline;
using NativeSeg.Model.Tests.Inference;
using NativeSeg.Tests.Shared;

namespace NativeSeg.Model.Tests.Pipeline;

/// <summary>
/// The post-processing ablation on real CT (a 16-slice slab through the middle of LCTSC Case_009, shipped weights, cpu):
/// its default step is exactly the pipeline's mask and its guard step the pipeline's mask with the guard on, and each
/// step only removes (body, components) or only adds (holes) what it is meant to.
/// </summary>
public sealed class PostprocessingAblationTests
{
    [Test]
    public void TheDefaultStepIsThePipelinesMaskAndEachStepMovesOneWay()
    {
        var ct = NiftiReader.ReadFloat(RepositoryPaths.SharedData("lctsc", "Case_009_ct.nii.gz"));
        var slab = ShippedWeightsTests.Slab(ct, 52, 16);
        using var segmenter = Segmenter.Load(RepositoryPaths.ShippedWeights, "cpu");
        var pipeline = new LungSegmentationPipeline(segmenter);

        var masks = PostprocessingAblation.Run(pipeline, slab, "Case_009 slab", batchSize: 4);
        var expected = pipeline.Run(slab, "Case_009 slab", new SegmentationOptions { MinAeratedShare = 0 }).Mask;
        var guarded = pipeline.Run(slab, "Case_009 slab",
            new SegmentationOptions { MinAeratedShare = NativeSeg.Imaging.Postprocessing.AeratedLungGuard.MeasuredMinAeratedShare }).Mask;

        Assert.That(masks, Has.Count.EqualTo(PostprocessingAblation.Steps.Count));
        var byStep = PostprocessingAblation.Steps.Zip(masks).ToDictionary(p => p.First, p => p.Second);
        Assert.That(byStep[PostprocessingStep.Holes3D].Voxels, Is.EqualTo(expected.Voxels.Select(v => v != 0 ? (byte)1 : (byte)0).ToArray()));
        Assert.That(byStep[PostprocessingStep.AeratedGuard].Voxels, Is.EqualTo(guarded.Voxels.Select(v => v != 0 ? (byte)1 : (byte)0).ToArray()),
            "the guard step is the pipeline's mask with the guard on");
        Assert.That(masks.All(m => m.Grid.SameGeometry(slab.Grid)), Is.True);
        AssertSubset(byStep[PostprocessingStep.Body], byStep[PostprocessingStep.Threshold], "the body only removes");
        AssertSubset(byStep[PostprocessingStep.Components], byStep[PostprocessingStep.Body], "components only remove");
        AssertSubset(byStep[PostprocessingStep.Components], byStep[PostprocessingStep.Holes3D], "3D holes only add");
        AssertSubset(byStep[PostprocessingStep.Holes3D], byStep[PostprocessingStep.SliceHoles], "slice holes only add");
        Assert.That(PostprocessingAblation.Steps.Select(PostprocessingAblation.Before),
            Is.EqualTo(new PostprocessingStep?[] { null, PostprocessingStep.Threshold, PostprocessingStep.Body, PostprocessingStep.Components,
                PostprocessingStep.Holes3D, PostprocessingStep.Holes3D }));
        Assert.That(Count(byStep[PostprocessingStep.Threshold]), Is.GreaterThan(Count(byStep[PostprocessingStep.Body])),
            "on real CT the network alone marks air outside the body (the table, around the patient) that the body step removes");
    }

    private static void AssertSubset(Volume<byte> inner, Volume<byte> outer, string why)
    {
        long outside = 0;
        for (int i = 0; i < inner.Voxels.Length; i++) if (inner.Voxels[i] != 0 && outer.Voxels[i] == 0) outside++;
        Assert.That(outside, Is.Zero, why);
    }

    private static long Count(Volume<byte> mask) => mask.Voxels.LongCount(v => v != 0);
}
