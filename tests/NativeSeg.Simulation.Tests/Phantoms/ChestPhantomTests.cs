using NativeSeg.IO.Volumes;
using NativeSeg.Simulation.Lesions;
using NativeSeg.Simulation.Phantoms;

namespace NativeSeg.Simulation.Tests.Phantoms;

public class ChestPhantomTests
{
    [Test]
    public void LungMaskIsTwoLungsAndExcludesTracheaAndBronchi()
    {
        var p = TestData.SmallPhantom;
        var components = TestData.Components(p.LungMask);
        long total = p.LungMask.Voxels.Count(v => v != 0);
        Assert.That(components, Has.Count.EqualTo(2), "two lungs, not touching");
        Assert.That(components.Min(c => c.Count), Is.GreaterThan(0.35 * total), "both lungs are substantial");
        // One lung on each side of the patient's midline.
        var sides = components.Select(c => Math.Sign(c.Average(v => TestData.Ras(p.Ct.Grid, v).X))).ToArray();
        Assert.That(sides, Is.EquivalentTo(new[] { -1, 1 }));

        int airway = 0, lateralAirway = 0;
        for (int v = 0; v < p.Tissues.Voxels.Length; v++)
        {
            var t = (Tissue)p.Tissues.Voxels[v];
            if (t is not (Tissue.AirwayLumen or Tissue.AirwayWall)) continue;
            airway++;
            Assert.That(p.LungMask.Voxels[v], Is.Zero, $"airway voxel {v} is in the lung mask");
            if (Math.Abs(TestData.Ras(p.Ct.Grid, v).X) > 30) lateralAirway++;
        }
        Assert.That(airway, Is.GreaterThan(100), "trachea and bronchi exist");
        Assert.That(lateralAirway, Is.GreaterThan(5), "main bronchi reach out towards the lungs");
        // Mask = lung parenchyma + vessels exactly.
        for (int v = 0; v < p.Tissues.Voxels.Length; v++)
        {
            bool lung = p.Tissues.Voxels[v] is (byte)Tissue.Lung or (byte)Tissue.Vessel;
            if (lung != (p.LungMask.Voxels[v] != 0)) Assert.Fail($"voxel {v}: tissue {(Tissue)p.Tissues.Voxels[v]} vs mask {p.LungMask.Voxels[v]}");
        }
    }

    [TestCase(Tissue.Air, -1010, -990)]
    [TestCase(Tissue.SubcutaneousFat, -120, -80)]
    [TestCase(Tissue.Muscle, 30, 70)]
    [TestCase(Tissue.Bone, 250, 750)]
    [TestCase(Tissue.SoftTissue, 20, 70)]
    [TestCase(Tissue.MediastinalFat, -110, -60)]
    [TestCase(Tissue.Lung, -880, -780)]
    [TestCase(Tissue.Vessel, -450, 60)]
    [TestCase(Tissue.AirwayLumen, -1000, -700)] // a 3 mm grid blurs the 18 mm trachea with its wall
    [TestCase(Tissue.Abdomen, 35, 75)]
    public void TissueDensitiesAreInRange(Tissue tissue, double low, double high)
    {
        var p = TestData.SmallPhantom;
        var values = new List<float>();
        for (int v = 0; v < p.Ct.Voxels.Length; v++)
            if (p.Tissues.Voxels[v] == (byte)tissue) values.Add(p.Ct.Voxels[v]);
        Assert.That(values, Has.Count.GreaterThan(20), $"{tissue} is present");
        Assert.That(TestData.Median(values), Is.InRange(low, high), $"median HU of {tissue}");
    }

    [Test]
    public void AffineIsRasWithLpsIndexOrderAndAnatomyWhereItBelongs()
    {
        var p = TestData.SmallPhantom;
        var a = p.Ct.Grid.Affine;
        Assert.Multiple(() =>
        {
            Assert.That(a[0, 0], Is.LessThan(0), "i runs to the patient's left (−x)");
            Assert.That(a[1, 1], Is.LessThan(0), "j runs to the back (−y)");
            Assert.That(a[2, 2], Is.GreaterThan(0), "k runs to the head (+z)");
            Assert.That(a.Spacing(0), Is.EqualTo(400.0 / 128).Within(1e-9));
            Assert.That(a.Spacing(2), Is.EqualTo(300.0 / 48).Within(1e-9));
        });
        double MeanOf(Tissue t, Func<(double X, double Y, double Z), double> pick) =>
            Enumerable.Range(0, p.Tissues.Voxels.Length).Where(v => p.Tissues.Voxels[v] == (byte)t)
                .Average(v => pick(TestData.Ras(p.Ct.Grid, v)));
        Assert.Multiple(() =>
        {
            // The heart sits left of the midline (RAS x < 0), the spine behind the lungs, the abdomen under them.
            Assert.That(MeanOf(Tissue.SoftTissue, r => r.X), Is.LessThan(0));
            double spineY = Enumerable.Range(0, p.Tissues.Voxels.Length)
                .Where(v => p.Tissues.Voxels[v] == (byte)Tissue.Bone && Math.Abs(TestData.Ras(p.Ct.Grid, v).X) < 10)
                .Average(v => TestData.Ras(p.Ct.Grid, v).Y);
            Assert.That(spineY, Is.LessThan(MeanOf(Tissue.Lung, r => r.Y) - 20));
            Assert.That(MeanOf(Tissue.Abdomen, r => r.Z), Is.LessThan(MeanOf(Tissue.Lung, r => r.Z) - 50));
            Assert.That(MeanOf(Tissue.AirwayLumen, r => r.Z), Is.GreaterThan(MeanOf(Tissue.Lung, r => r.Z)));
        });
    }

    [Test]
    public void SameSeedGivesSameBytesAndAnotherSeedDiffers()
    {
        var options = new PhantomOptions { SizeX = 48, SizeY = 40, SizeZ = 12, Seed = 3 };
        var a = ChestPhantom.Generate(options);
        var b = ChestPhantom.Generate(options);
        var c = ChestPhantom.Generate(options with { Seed = 4 });
        Assert.That(TestData.SameBytes(a.Ct.Voxels, b.Ct.Voxels), Is.True, "same bytes");
        Assert.That(TestData.SameBytes(a.LungMask.Voxels, b.LungMask.Voxels), Is.True, "same bytes");
        Assert.That(TestData.SameBytes(a.Ct.Voxels, c.Ct.Voxels), Is.False, "different bytes");
        Assert.That((a.Ct.Grid.SizeX, a.Ct.Grid.SizeY, a.Ct.Grid.SizeZ), Is.EqualTo((48, 40, 12)));
    }

    [Test]
    public void NoiseEstimatorRecoversThePhantomNoise()
    {
        var noisy = ChestPhantom.Generate(TestData.SmallPhantomOptions with { NoiseSd = 25, SizeZ = 24 });
        Assert.That(NoiseEstimator.EstimateSd(noisy.Ct), Is.EqualTo(25).Within(15).Percent);
    }

    [Test]
    public void CovidPhantomHasLesionsInsideItsLungMask()
    {
        var p = ChestPhantom.Generate(TestData.SmallPhantomOptions with { SizeZ = 32, Covid = LesionOptions.ForSeverity(Severity.Severe, 2) });
        Assert.That(p.Lesions, Is.Not.Null);
        Assert.That(p.LesionStatistics!.AffectedFraction, Is.EqualTo(0.35).Within(0.02));
        for (int v = 0; v < p.Lesions!.Voxels.Length; v++)
            if (p.Lesions.Voxels[v] != 0 && p.LungMask.Voxels[v] == 0) Assert.Fail($"lesion voxel {v} outside the lung mask");
        Assert.That(TestData.SameBytes(p.NormalCt.Voxels, p.Ct.Voxels), Is.False, "different bytes");
    }

    [Test]
    public void RejectsImpossibleSizes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ChestPhantom.Generate(new PhantomOptions { SizeX = 8 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChestPhantom.Generate(new PhantomOptions { FieldOfViewMm = 200 }));
    }
}
