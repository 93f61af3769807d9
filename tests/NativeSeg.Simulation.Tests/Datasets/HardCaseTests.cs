using NativeSeg.IO.Volumes;
using NativeSeg.Simulation.Datasets;
using NativeSeg.Simulation.Lesions;
using NativeSeg.Simulation.Phantoms;

namespace NativeSeg.Simulation.Tests.Datasets;

/// <summary>The hard-case options of the simulator: pleural emphasis, effusion (not lung), air bronchograms, and the
/// recipe that draws them.</summary>
public class HardCaseTests
{
    private static Phantom Phantom => TestData.SmallPhantom;

    private static LesionSimulationResult Simulate(LesionOptions options) => LesionSimulator.Simulate(Phantom.Ct, Phantom.LungMask, options);

    /// <summary>Mean distance (mm) to the pleura of the consolidation voxels, measured on the result.</summary>
    private static double MeanConsolidationDepth(LesionSimulationResult r)
    {
        var grid = Phantom.Ct.Grid;
        var lung = Phantom.LungMask.Voxels;
        double sum = 0;
        long count = 0;
        for (int z = 0; z < grid.SizeZ; z++)
            for (int y = 0; y < grid.SizeY; y++)
                for (int x = 0; x < grid.SizeX; x++)
                {
                    int g = grid.Index(x, y, z);
                    if (r.Lesions.Voxels[g] != LesionLabel.Consolidation) continue;
                    // Distance along x to the nearest non-lung voxel in the row: a cheap, monotone proxy.
                    int d = 0;
                    while (x - d > 0 && x + d < grid.SizeX - 1 && lung[grid.Index(x - d, y, z)] != 0 && lung[grid.Index(x + d, y, z)] != 0) d++;
                    sum += d;
                    count++;
                }
        return count == 0 ? double.NaN : sum / count;
    }

    [Test]
    public void PleuralEmphasisMovesConsolidationTowardsThePleura()
    {
        var plain = Simulate(new LesionOptions { AffectedFraction = 0.4, ConsolidationShare = 0.5, Seed = 3 });
        var pleural = Simulate(new LesionOptions { AffectedFraction = 0.4, ConsolidationShare = 0.5, Seed = 3, PleuralEmphasis = 3.5 });
        Assert.That(MeanConsolidationDepth(pleural), Is.LessThan(MeanConsolidationDepth(plain)));
    }

    [Test]
    public void EffusionIsFluidOutsideTheNewLungMaskAndLesionsStayInside()
    {
        var r = Simulate(new LesionOptions { AffectedFraction = 0.3, ConsolidationShare = 0.5, Seed = 4, EffusionThicknessMm = 15 });
        Assert.That(r.LungMaskChanged, Is.True);
        Assert.That(r.Statistics.EffusionVoxels, Is.GreaterThan(0));
        long effusion = 0;
        for (int v = 0; v < r.Ct.Voxels.Length; v++)
        {
            byte label = r.Lesions.Voxels[v];
            if (label == LesionLabel.Effusion)
            {
                effusion++;
                Assert.That(Phantom.LungMask.Voxels[v], Is.Not.Zero, "effusion replaces input lung");
                Assert.That(r.LungMask.Voxels[v], Is.Zero, "effusion is not lung");
            }
            else if (label != LesionLabel.None)
            {
                Assert.That(r.LungMask.Voxels[v], Is.Not.Zero, "every lesion lies in the output lung mask");
            }
            if (Phantom.LungMask.Voxels[v] != 0 && label != LesionLabel.Effusion)
                Assert.That(r.LungMask.Voxels[v], Is.Not.Zero, "only effusion leaves the lung mask");
        }
        Assert.That(effusion, Is.EqualTo(r.Statistics.EffusionVoxels));
        var fluid = Enumerable.Range(0, r.Ct.Voxels.Length).Where(v => r.Lesions.Voxels[v] == LesionLabel.Effusion)
            .Select(v => (double)r.Ct.Voxels[v]).Order().ToList();
        Assert.That(fluid[fluid.Count / 2], Is.InRange(-20, 50), "median effusion density is water-like");
        var check = LesionCheck.Measure(Phantom.Ct, Phantom.LungMask, r);
        Assert.That(check.Passed, Is.True, check.ToString());
        // Effusion lies in the dependent (posterior, RAS −y) part of the lung.
        var (_, yEffusion, _) = MeanPosition(r.Lesions, LesionLabel.Effusion);
        var (_, yLung, _) = MeanPosition(Phantom.LungMask, 1);
        Assert.That(yEffusion, Is.LessThan(yLung));
    }

    [Test]
    public void WithoutEffusionTheLungMaskIsTheInputMask()
    {
        var r = Simulate(new LesionOptions { AffectedFraction = 0.2, Seed = 2 });
        Assert.That(r.LungMask, Is.SameAs(Phantom.LungMask));
        Assert.That(r.Statistics.EffusionVoxels, Is.Zero);
    }

    [Test]
    public void AirBronchogramsKeepBronchialAirInsideConsolidation()
    {
        // The phantom has no bronchi inside its lung mask: lay a 3×3-voxel air tube (−1000 HU) along z through the
        // lung voxel farthest from the pleura in each slice's row band, as a segmental bronchus.
        var grid = Phantom.Ct.Grid;
        var ct = (float[])Phantom.Ct.Voxels.Clone();
        var (cx, cy, _) = DeepLungVoxel(Phantom.LungMask);
        int tube = 0;
        for (int z = 0; z < grid.SizeZ; z++)
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                {
                    int g = grid.Index(cx + dx, cy + dy, z);
                    if (Phantom.LungMask.Voxels[g] == 0) continue;
                    ct[g] = -1000;
                    tube++;
                }
        Assert.That(tube, Is.GreaterThan(50), "the tube runs through lung");
        var withTube = new Volume<float>(grid, ct);
        var options = new LesionOptions { AffectedFraction = 0.85, ConsolidationShare = 0.9, Seed = 6 };
        var without = LesionSimulator.Simulate(withTube, Phantom.LungMask, options);
        var with = LesionSimulator.Simulate(withTube, Phantom.LungMask, options with { AirBronchograms = true });
        Assert.That(without.Statistics.BronchogramVoxels, Is.Zero);
        Assert.That(with.Statistics.BronchogramVoxels, Is.GreaterThan(0));
        int kept = 0;
        for (int v = 0; v < ct.Length; v++)
            if (with.Lesions.Voxels[v] == LesionLabel.Consolidation && with.Ct.Voxels[v] < LesionSimulator.BronchogramAirHu)
            {
                Assert.That(with.Ct.Voxels[v], Is.EqualTo(ct[v]), "bronchogram voxels keep their original air");
                kept++;
            }
        Assert.That(kept, Is.EqualTo(with.Statistics.BronchogramVoxels));
    }

    private static (int X, int Y, int Z) DeepLungVoxel(Volume<byte> mask)
    {
        var grid = mask.Grid;
        // The lung voxel deepest in the right half along x of the middle slice: a point well inside one lung.
        int z = grid.SizeZ / 2, bestX = 0, bestY = 0, bestRun = -1;
        for (int y = 0; y < grid.SizeY; y++)
        {
            int run = 0;
            for (int x = 0; x < grid.SizeX; x++)
            {
                run = mask[x, y, z] != 0 ? run + 1 : 0;
                if (run > bestRun) { bestRun = run; bestX = x - run / 2; bestY = y; }
            }
        }
        return (bestX, bestY, z);
    }

    [Test]
    public void RecipeIsDeterministicAndWithinItsRanges()
    {
        for (int patient = 0; patient < 5; patient++)
            for (int k = 1; k <= 20; k++)
            {
                var o = HardCaseRecipe.Draw(1, patient, k);
                Assert.That(o, Is.EqualTo(HardCaseRecipe.Draw(1, patient, k)));
                Assert.That(o.AffectedFraction, Is.InRange(0.2, 0.6));
                Assert.That(o.ConsolidationShare, Is.InRange(0.35, 0.75));
                Assert.That(o.PleuralEmphasis, Is.InRange(1.5, 3.5));
                Assert.That(o.EffusionThicknessMm, Is.EqualTo(0).Or.InRange(4, 15));
            }
        Assert.That(HardCaseRecipe.Draw(2, 0, 1), Is.Not.EqualTo(HardCaseRecipe.Draw(1, 0, 1)));
    }

    private static (double X, double Y, double Z) MeanPosition(Volume<byte> volume, byte value)
    {
        var grid = volume.Grid;
        double sx = 0, sy = 0, sz = 0;
        long n = 0;
        for (int z = 0; z < grid.SizeZ; z++)
            for (int y = 0; y < grid.SizeY; y++)
                for (int x = 0; x < grid.SizeX; x++)
                {
                    if (volume[x, y, z] != value) continue;
                    var p = grid.Affine.Apply(x, y, z);
                    sx += p.X; sy += p.Y; sz += p.Z;
                    n++;
                }
        return (sx / n, sy / n, sz / n);
    }
}
