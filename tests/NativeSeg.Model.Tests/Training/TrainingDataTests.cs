using NativeSeg.Imaging.Tests.Geometry;
using NativeSeg.IO.Datasets;
using NativeSeg.IO.Nifti;
using NativeSeg.Model.Training;

namespace NativeSeg.Model.Tests.Training;

public class TrainingDataTests
{
    [Test]
    public void ManifestCasesBecomeLabelledSlicesOfTheNetworkSize()
    {
        string data = SharedData();
        string ct = Path.Combine(data, "cip", "ct-64.nii.gz");
        string mask = Path.Combine(data, "cip", "wholeLung-64.nii.gz");
        if (!File.Exists(ct))
            Assert.Ignore($"shared data not found at {data}");
        var manifest = new DatasetManifest
        {
            Name = "cip",
            Cases =
            [
                new DatasetCase { Id = "cip-64", Patient = "CIP", Ct = ct, Mask = mask },
                new DatasetCase { Id = "held", Patient = "X", Ct = ct, Mask = mask, Split = "test" },
                new DatasetCase { Id = "unlabelled", Patient = "Y", Ct = ct },
            ],
        };
        var set = TrainingData.Load(manifest);
        Assert.That(set.Patients, Is.EqualTo(new[] { "CIP" }));
        Assert.That(set.Height, Is.EqualTo(216));
        Assert.That(set.Width, Is.EqualTo(296));
        Assert.That(set.Slices.Count, Is.InRange(20, 79));
        Assert.That(set.Slices.All(s => s.Labels.Any(l => l == 1)), "only slices with lung are kept");
        Assert.That(set.Slices.All(s => s.Input.All(v => v is >= 0 and <= 1.3f)));
        var all = TrainingData.Load(manifest, lungFreeSlicesPerCase: int.MaxValue);
        Assert.That(all.Slices.Count, Is.GreaterThan(set.Slices.Count));
        Assert.That(set.Description, Does.Contain("cip-64"));
    }

    [Test]
    public void LungFreeSlicesAreAddedEvenlyWithBackgroundLabels()
    {
        string data = SharedData();
        string ct = Path.Combine(data, "cip", "ct-64.nii.gz"), mask = Path.Combine(data, "cip", "wholeLung-64.nii.gz");
        if (!File.Exists(ct))
            Assert.Ignore($"shared data not found at {data}");
        var manifest = new DatasetManifest { Name = "cip", Cases = [new DatasetCase { Id = "cip", Patient = "CIP", Ct = ct, Mask = mask }] };
        var lungOnly = TrainingData.Load(manifest);
        int lungFreeInCase = TrainingData.Load(manifest, lungFreeSlicesPerCase: int.MaxValue).Slices.Count - lungOnly.Slices.Count;
        Assert.That(lungFreeInCase, Is.GreaterThan(4), "the CIP volume reaches beyond its lungs");

        var withFour = TrainingData.Load(manifest, lungFreeSlicesPerCase: 4);
        var empty = withFour.Slices.Where(s => !s.Labels.Contains((byte)1)).ToList();
        Assert.That(empty, Has.Count.EqualTo(4));
        Assert.That(withFour.Slices.Count, Is.EqualTo(lungOnly.Slices.Count + 4));
        var contents = empty.Select(s => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(s.Input.AsSpan()))));
        Assert.That(contents.Distinct().Count(), Is.EqualTo(4), "four different slices");
        Assert.That(TrainingData.Load(manifest, lungFreeSlicesPerCase: 1000).Slices.Count, Is.EqualTo(lungOnly.Slices.Count + lungFreeInCase),
            "more than the case has: all of them");

        // The description is what a resume compares: every choice that changes the slices or labels is in it.
        Assert.That(lungOnly.Description, Does.Not.Contain("without lung").And.Not.Contain("uncertain"));
        Assert.That(withFour.Description, Does.Contain($"{lungOnly.Slices.Count + 4} slices (4 without lung)"));
        Assert.That(TrainingData.Load(manifest, uncertainEdgeRadius: 2).Description, Does.Contain("uncertain within 2 px"));
    }

    [Test]
    public void SpreadEvenlyTakesTheMiddleOfEqualRuns()
    {
        int[] items = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100, 101];
        Assert.That(TrainingData.SpreadEvenly(items, 4), Is.EqualTo(new[] { 1, 4, 7, 100 }));
        Assert.That(TrainingData.SpreadEvenly(items, 1), Is.EqualTo(new[] { 6 }));
        Assert.That(TrainingData.SpreadEvenly(items, 0), Is.Empty);
        Assert.That(TrainingData.SpreadEvenly(items, 12), Is.EqualTo(items));
    }

    [Test]
    public void ASagittalFirstCopyGivesTheSameTrainingSlices()
    {
        string data = SharedData();
        string ct = Path.Combine(data, "cip", "ct-64.nii.gz"), mask = Path.Combine(data, "cip", "wholeLung-64.nii.gz");
        string folder = Path.Combine(Path.GetTempPath(), "nativeseg-training-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            // Index axis 0 runs along the slices, axis 2 along the rows: the same voxels stored sagittal-first.
            string sagittalCt = Path.Combine(folder, "ct.nii.gz"), sagittalMask = Path.Combine(folder, "mask.nii.gz");
            NiftiWriter.Write(sagittalCt, AxisVariants.Make(NiftiReader.ReadFloat(ct), [2, 0, 1], [true, false, false]));
            NiftiWriter.Write(sagittalMask, AxisVariants.Make(NiftiReader.ReadMask(mask), [2, 0, 1], [true, false, false]));
            DatasetManifest Manifest(string c, string m) => new() { Name = "cip", Cases = [new DatasetCase { Id = "cip", Patient = "CIP", Ct = c, Mask = m }] };
            var axial = TrainingData.Load(Manifest(ct, mask));
            var sagittal = TrainingData.Load(Manifest(sagittalCt, sagittalMask));
            Assert.That(sagittal.Slices.Count, Is.EqualTo(axial.Slices.Count));
            for (int n = 0; n < axial.Slices.Count; n++)
            {
                Assert.That(sagittal.Slices[n].Input, Is.EqualTo(axial.Slices[n].Input), $"slice {n} input");
                Assert.That(sagittal.Slices[n].Labels, Is.EqualTo(axial.Slices[n].Labels), $"slice {n} labels");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string SharedData() => NativeSeg.Tests.Shared.RepositoryPaths.SharedData();
}
