using NativeSeg.IO.Datasets;
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
        var all = TrainingData.Load(manifest, onlySlicesWithLung: false);
        Assert.That(all.Slices.Count, Is.GreaterThan(set.Slices.Count));
        Assert.That(set.Description, Does.Contain("cip-64"));
    }

    private static string SharedData() => NativeSeg.Tests.Shared.RepositoryPaths.SharedData();
}
