using NativeSeg.Imaging.Morphology;
using NativeSeg.IO.Volumes;
using NativeSeg.Simulation.Lesions;
using NativeSeg.Simulation.Phantoms;

namespace NativeSeg.Simulation.Tests.Lesions;

public class LesionSimulatorTests
{
    private static Phantom Phantom => TestData.SmallPhantom;

    private static readonly Dictionary<(Severity, ulong, bool), LesionSimulationResult> Cache = [];

    private static LesionSimulationResult Simulate(Severity severity, ulong seed = 1, bool crazyPaving = false)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue((severity, seed, crazyPaving), out var result))
                Cache[(severity, seed, crazyPaving)] = result =
                    LesionSimulator.Simulate(Phantom.Ct, Phantom.LungMask, LesionOptions.ForSeverity(severity, seed, crazyPaving));
            return result;
        }
    }

    [TestCase(Severity.Mild, 0.05)]
    [TestCase(Severity.Moderate, 0.15)]
    [TestCase(Severity.Severe, 0.35)]
    public void AffectedFractionMatchesTheSeverity(Severity severity, double expected)
    {
        var r = Simulate(severity);
        long lung = Phantom.LungMask.Voxels.Count(v => v != 0);
        long lesion = r.Lesions.Voxels.Count(v => v != 0);
        Assert.That((double)lesion / lung, Is.EqualTo(expected).Within(0.02));
        Assert.That(r.Statistics.LesionVoxels, Is.EqualTo(lesion));
        Assert.That(r.Statistics.LungVoxels, Is.EqualTo(lung));
    }

    [Test]
    public void ExplicitFractionIsHonoured()
    {
        var r = LesionSimulator.Simulate(Phantom.Ct, Phantom.LungMask, new LesionOptions { AffectedFraction = 0.25, Seed = 5 });
        Assert.That(r.Statistics.AffectedFraction, Is.EqualTo(0.25).Within(0.02));
    }

    [TestCase(Severity.Mild)]
    [TestCase(Severity.Severe)]
    public void LesionsOnlyInsideTheLungMaskAndNothingElseChanges(Severity severity)
    {
        var r = Simulate(severity, crazyPaving: severity == Severity.Severe);
        Assert.That(r.Ct.Grid, Is.SameAs(Phantom.Ct.Grid), "same grid and affine");
        for (int v = 0; v < r.Ct.Voxels.Length; v++)
        {
            if (r.Lesions.Voxels[v] != 0)
                Assert.That(Phantom.LungMask.Voxels[v], Is.Not.Zero, $"lesion voxel {v} outside the lung");
            else if (r.Ct.Voxels[v] != Phantom.Ct.Voxels[v])
                Assert.Fail($"voxel {v} changed without being a lesion");
        }
    }

    [Test]
    public void GroundGlassIsMinus700ToMinus500AndLeavesVesselsBright()
    {
        var r = Simulate(Severity.Moderate);
        var parenchyma = new List<float>();
        int vessels = 0, vesselsKept = 0;
        for (int v = 0; v < r.Ct.Voxels.Length; v++)
        {
            if (r.Lesions.Voxels[v] != LesionLabel.GroundGlass) continue;
            if (Phantom.Tissues.Voxels[v] == (byte)Tissue.Vessel && Phantom.Ct.Voxels[v] > -300)
            {
                vessels++;
                if (r.Ct.Voxels[v] == Phantom.Ct.Voxels[v]) vesselsKept++;
            }
            else if (Phantom.Tissues.Voxels[v] == (byte)Tissue.Lung) parenchyma.Add(r.Ct.Voxels[v]);
        }
        Assert.That(parenchyma, Has.Count.GreaterThan(1000));
        Assert.Multiple(() =>
        {
            Assert.That(TestData.Median(parenchyma), Is.InRange(-700, -500));
            Assert.That(TestData.Quantile(parenchyma, 0.05), Is.GreaterThan(-760));
            Assert.That(TestData.Quantile(parenchyma, 0.95), Is.LessThan(-460));
            Assert.That(vessels, Is.GreaterThan(0), "some vessels run through ground glass");
            Assert.That(vesselsKept, Is.EqualTo(vessels), "vessels keep their density inside ground glass");
        });
    }

    [Test]
    public void ConsolidationIsMinus100ToPlus50AndTouchesThePleura()
    {
        var r = Simulate(Severity.Severe);
        var values = new List<float>();
        for (int v = 0; v < r.Ct.Voxels.Length; v++)
            if (r.Lesions.Voxels[v] == LesionLabel.Consolidation) values.Add(r.Ct.Voxels[v]);
        Assert.That(values, Has.Count.GreaterThan(500));
        Assert.Multiple(() =>
        {
            Assert.That(TestData.Median(values), Is.InRange(-100, 50));
            Assert.That(TestData.Quantile(values, 0.05), Is.GreaterThan(-130));
            Assert.That(TestData.Quantile(values, 0.95), Is.LessThan(80));
        });
        // Every consolidation component has a voxel next to a non-lung voxel that is not airway air: the pleura.
        var g = r.Lesions.Grid;
        foreach (var component in TestData.Components(r.Lesions, b => b == LesionLabel.Consolidation))
        {
            bool touches = component.Any(v => TestData.Neighbours(g, v).Any(w => Phantom.LungMask.Voxels[w] == 0 && Phantom.Ct.Voxels[w] >= -900));
            Assert.That(touches, Is.True, $"a consolidation of {component.Count} voxels does not touch the pleura");
        }
    }

    [Test]
    public void AddedNoiseMatchesTheRequestedSd()
    {
        // Neighbouring consolidation voxels share the smooth level: their difference is noise with variance 2σ².
        foreach (double sd in new[] { 15.0, 40.0 })
        {
            var r = LesionSimulator.Simulate(Phantom.Ct, Phantom.LungMask,
                LesionOptions.ForSeverity(Severity.Severe, 3) with { NoiseSd = sd });
            var differences = new List<double>();
            for (int v = 0; v + 1 < r.Ct.Voxels.Length; v++)
                if (r.Lesions.Voxels[v] == LesionLabel.Consolidation && r.Lesions.Voxels[v + 1] == LesionLabel.Consolidation)
                    differences.Add(r.Ct.Voxels[v + 1] - r.Ct.Voxels[v]);
            double mean = differences.Average();
            double measured = Math.Sqrt(differences.Sum(d => (d - mean) * (d - mean)) / (differences.Count - 1) / 2);
            Assert.That(measured, Is.EqualTo(sd).Within(12).Percent, $"noise SD {sd}");
        }
    }

    [Test]
    public void NoiseIsMeasuredInTheInputWhenNotGiven()
    {
        var r = Simulate(Severity.Mild);
        Assert.That(r.Statistics.NoiseMeasured, Is.True);
        Assert.That(r.Statistics.NoiseSd, Is.EqualTo(TestData.SmallPhantomOptions.NoiseSd).Within(15).Percent);
    }

    [Test]
    public void LesionsAreBilateralPeripheralPosteriorAndBasal()
    {
        var r = Simulate(Severity.Moderate);
        var g = Phantom.Ct.Grid;
        var box = VoxelBox.Around(Phantom.LungMask)!.Value;
        var lung = LungVoxels.Gather(Phantom.LungMask, Phantom.Ct, box);
        double centreX = lung.Global.Average(v => TestData.Ras(g, v).X);
        double centreY = lung.Global.Average(v => TestData.Ras(g, v).Y);
        double centreZ = lung.Global.Average(v => TestData.Ras(g, v).Z);
        int right = 0, left = 0, posterior = 0, anterior = 0, lower = 0, upper = 0;
        double lesionDistance = 0, lungDistance = 0;
        int lesionCount = 0;
        for (int p = 0; p < lung.Count; p++)
        {
            int v = lung.Global[p];
            lungDistance += lung.Distance[p];
            if (r.Lesions.Voxels[v] == 0) continue;
            lesionCount++;
            lesionDistance += lung.Distance[p];
            var (x, y, z) = TestData.Ras(g, v);
            if (x > centreX) right++; else left++;
            if (y < centreY) posterior++; else anterior++;
            if (z < centreZ) lower++; else upper++;
        }
        Assert.Multiple(() =>
        {
            Assert.That(Math.Min(right, left), Is.GreaterThan(0.25 * lesionCount), "both lungs affected");
            Assert.That(posterior, Is.GreaterThan(anterior), "posterior predominance");
            Assert.That(lower, Is.GreaterThan(upper), "basal predominance");
            Assert.That(lesionDistance / lesionCount, Is.LessThan(0.7 * lungDistance / lung.Count), "peripheral");
            Assert.That(TestData.Components(r.Lesions).Count(c => c.Count > 20), Is.GreaterThanOrEqualTo(3), "multifocal");
        });
    }

    [Test]
    public void CrazyPavingAddsSeptaToPartOfTheGroundGlass()
    {
        var r = Simulate(Severity.Severe, crazyPaving: true);
        var paving = new List<float>();
        for (int v = 0; v < r.Ct.Voxels.Length; v++)
            if (r.Lesions.Voxels[v] == LesionLabel.CrazyPaving && Phantom.Tissues.Voxels[v] == (byte)Tissue.Lung) paving.Add(r.Ct.Voxels[v]);
        Assert.That(paving, Has.Count.GreaterThan(500));
        Assert.That(r.Statistics.GroundGlassVoxels, Is.GreaterThan(0), "crazy paving covers only part of the ground glass");
        // Septa are brighter than ground glass: a visible tail above −500 HU, while most voxels remain ground glass.
        Assert.That(paving.Count(v => v > -480), Is.GreaterThan(paving.Count / 20));
        Assert.That(TestData.Median(paving), Is.InRange(-700, -450));
    }

    [Test]
    public void CheckReportPassesOnASimulationAndFailsOnATamperedOne()
    {
        var r = Simulate(Severity.Moderate);
        var report = LesionCheck.Measure(Phantom.Ct, Phantom.LungMask, r);
        Assert.That(report.Passed, Is.True, report.ToString());
        Assert.That(report.GroundGlassMedianHu, Is.InRange(-700, -500));
        // A lesion outside the lung and a consolidation at +400 HU must both be caught.
        var lesions = (byte[])r.Lesions.Voxels.Clone();
        var ct = (float[])r.Ct.Voxels.Clone();
        int outside = Array.FindIndex(Phantom.LungMask.Voxels, v => v == 0);
        lesions[outside] = LesionLabel.GroundGlass;
        var tampered = new LesionSimulationResult(new Volume<float>(r.Ct.Grid, ct), new Volume<byte>(r.Ct.Grid, lesions), r.LungMask, r.Statistics);
        Assert.That(LesionCheck.Measure(Phantom.Ct, Phantom.LungMask, tampered).LesionVoxelsOutsideLung, Is.EqualTo(1));
        for (int v = 0; v < ct.Length; v++) if (lesions[v] == LesionLabel.Consolidation) ct[v] = 400;
        Assert.That(LesionCheck.Measure(Phantom.Ct, Phantom.LungMask, tampered).Passed, Is.False);
    }

    [Test]
    public void SameSeedGivesSameBytesAndAnotherSeedDiffers()
    {
        var options = LesionOptions.ForSeverity(Severity.Moderate, 11, crazyPaving: true);
        var a = LesionSimulator.Simulate(Phantom.Ct, Phantom.LungMask, options);
        var b = LesionSimulator.Simulate(Phantom.Ct, Phantom.LungMask, options);
        var c = LesionSimulator.Simulate(Phantom.Ct, Phantom.LungMask, options with { Seed = 12 });
        Assert.That(TestData.SameBytes(a.Ct.Voxels, b.Ct.Voxels), Is.True, "same bytes");
        Assert.That(TestData.SameBytes(a.Lesions.Voxels, b.Lesions.Voxels), Is.True, "same bytes");
        Assert.That(TestData.SameBytes(a.Lesions.Voxels, c.Lesions.Voxels), Is.False, "different bytes");
    }

    [Test]
    public void RejectsBadInput()
    {
        var ct = Phantom.Ct;
        var otherGrid = new Volume<byte>(new Grid(10, 10, 10, Affine.Identity));
        Assert.Throws<ArgumentException>(() => LesionSimulator.Simulate(ct, otherGrid, new LesionOptions()));
        Assert.Throws<ArgumentException>(() => LesionSimulator.Simulate(ct, new Volume<byte>(ct.Grid), new LesionOptions()));
        Assert.Throws<ArgumentOutOfRangeException>(() => LesionSimulator.Simulate(ct, Phantom.LungMask, new LesionOptions { AffectedFraction = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => LesionSimulator.Simulate(ct, Phantom.LungMask, new LesionOptions { AffectedFraction = 1.2 }));
    }

    [Test]
    public void SplitTargetKeepsTheTotalAndBothLungs()
    {
        foreach (double asymmetry in new[] { -1.0, 0, 1 })
        {
            var (right, left) = LesionSimulator.SplitTarget(0.35, 1000, 600, asymmetry);
            Assert.That(right + left, Is.EqualTo(560));
            Assert.That(Math.Min(right, left), Is.GreaterThan(0));
        }
        var (r9, l9) = LesionSimulator.SplitTarget(0.9, 1000, 100, 1);
        Assert.That(r9 + l9, Is.EqualTo(990));
        Assert.That(l9, Is.LessThanOrEqualTo(95));
    }
}
