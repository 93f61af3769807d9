using NativeSeg.Imaging.Tests.Geometry;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Volumes;
using NativeSeg.Model.Inference;
using NativeSeg.Model.Pipeline;
using NativeSeg.Model.Weights;
using NativeSeg.Tests.Shared;

namespace NativeSeg.Model.Tests.Pipeline;

/// <summary>
/// The pipeline cuts at the weights' decision threshold unless the options name one: on a slab of Case_009, a file
/// set to 0.7 segments exactly as the same tensors asked for 0.7, differently from 0.5, and an explicit 0.5 overrides
/// the file.
/// </summary>
[TestFixture]
public class DecisionThresholdPipelineTests
{
    private string _folder = "";
    private Volume<float> _slab = null!;

    [OneTimeSetUp]
    public void Load()
    {
        _folder = Path.Combine(Path.GetTempPath(), "nativeseg-threshold-pipeline-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        var ct = NiftiReader.ReadFloat(RepositoryPaths.SharedData("lctsc", "Case_009_ct.nii.gz"));
        _slab = AxisVariants.Crop(ct, 40, 90, 60, 432, 330, 2);
    }

    [OneTimeTearDown]
    public void Delete() => Directory.Delete(_folder, recursive: true);

    private static byte[] Mask(Segmenter segmenter, Volume<float> ct, float? threshold, bool keepProbabilities) =>
        new LungSegmentationPipeline(segmenter).Run(ct, "slab", new SegmentationOptions { BatchSize = 2, Threshold = threshold, KeepProbabilities = keepProbabilities }).Mask.Voxels;

    [Test]
    public void TheWeightsThresholdIsTheDefaultAndTheOptionsOverrideIt()
    {
        string source = Path.Combine(_folder, "source.safetensors"), at07 = Path.Combine(_folder, "at07.safetensors");
        File.Copy(RepositoryPaths.ShippedWeights, source);
        // Whatever the shipped file names, the source here names 0.5 and the copy 0.7.
        WeightsThreshold.Set(source, 0.5f, source + ".half");
        WeightsThreshold.Set(source, 0.7f, at07);
        using var half = Segmenter.Load(source + ".half", "cpu");
        using var seventy = Segmenter.Load(at07, "cpu");
        Assert.That(new LungSegmentationPipeline(seventy).DefaultThreshold, Is.EqualTo(0.7f));

        foreach (bool keep in new[] { true, false })
        {
            var byFile = Mask(seventy, _slab, null, keep);
            var byOption = Mask(half, _slab, 0.7f, keep);
            var atHalf = Mask(half, _slab, null, keep);
            Assert.That(byFile, Is.EqualTo(byOption), $"keep probabilities {keep}: the file's 0.7 is the option's 0.7");
            int lungAt07 = byFile.Count(v => v != 0), lungAt05 = atHalf.Count(v => v != 0);
            Assert.That(lungAt07, Is.GreaterThan(10000), "the slab holds lung");
            Assert.That(lungAt07, Is.LessThan(lungAt05), $"keep probabilities {keep}: a higher cut keeps less lung");
            Assert.That(Mask(seventy, _slab, 0.5f, keep), Is.EqualTo(atHalf), $"keep probabilities {keep}: the option overrides the file");
        }
    }
}
