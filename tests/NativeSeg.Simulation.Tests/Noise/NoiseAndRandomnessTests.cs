using NativeSeg.IO.Volumes;
using NativeSeg.Simulation.Lesions;
using NativeSeg.Simulation.Noise;
using NativeSeg.Simulation.Randomness;

namespace NativeSeg.Simulation.Tests.Noise;

public class NoiseAndRandomnessTests
{
    [Test]
    public void NoiseEstimatorIsUnbiasedOnWhiteNoiseInSoftTissue()
    {
        var grid = new Grid(140, 140, 6, Affine.Identity);
        var voxels = new float[grid.VoxelCount];
        for (int v = 0; v < voxels.Length; v++)
            voxels[v] = (float)(40 + 20 * StatelessRandom.Gaussian(StatelessRandom.Hash(9, 9, v)));
        // Half of each slice is air: those windows must be ignored.
        for (int z = 0; z < 6; z++)
            for (int y = 0; y < 70; y++)
                for (int x = 0; x < 140; x++)
                    voxels[grid.Index(x, y, z)] = -1000;
        Assert.That(NoiseEstimator.EstimateSd(new Volume<float>(grid, voxels)), Is.EqualTo(20).Within(5).Percent);
        Assert.That(NoiseEstimator.EstimateSd(new Volume<float>(grid, new float[grid.VoxelCount])), Is.Null, "constant image: no tissue noise");
    }

    [Test]
    public void CellularNoiseFindsTheTwoNearestFeaturePointsOfAWiderSearch()
    {
        const double cell = 9;
        var noise = new CellularNoise(5, 6, cell, (-50, -40, -30), (60, 45, 35));
        var random = new Random(3);
        for (int n = 0; n < 300; n++)
        {
            double x = -50 + 110 * random.NextDouble(), y = -40 + 85 * random.NextDouble(), z = -30 + 65 * random.NextDouble();
            // Brute force over 5×5×5 cells with the documented point rule: one hash per cell, 21-bit jitters.
            var distances = new List<double>();
            long ci = (long)Math.Floor(x / cell), cj = (long)Math.Floor(y / cell), ck = (long)Math.Floor(z / cell);
            for (long k = ck - 2; k <= ck + 2; k++)
                for (long j = cj - 2; j <= cj + 2; j++)
                    for (long i = ci - 2; i <= ci + 2; i++)
                    {
                        ulong h = StatelessRandom.Hash(5, 6, i, j, k);
                        double px = (i + (h & 0x1FFFFF) / 2097152.0) * cell;
                        double py = (j + ((h >> 21) & 0x1FFFFF) / 2097152.0) * cell;
                        double pz = (k + ((h >> 42) & 0x1FFFFF) / 2097152.0) * cell;
                        distances.Add(Math.Sqrt((px - x) * (px - x) + (py - y) * (py - y) + (pz - z) * (pz - z)));
                    }
            distances.Sort();
            Assert.That(noise.WallDistance(x, y, z), Is.EqualTo(distances[1] - distances[0]).Within(1e-9));
        }
    }

    [Test]
    public void StatelessGaussianHasUnitVariance()
    {
        double sum = 0, sumSquares = 0;
        const int n = 200_000;
        for (int i = 0; i < n; i++)
        {
            double g = StatelessRandom.Gaussian(StatelessRandom.Hash(1, 2, i));
            sum += g;
            sumSquares += g * g;
        }
        Assert.That(sum / n, Is.EqualTo(0).Within(0.01));
        Assert.That(sumSquares / n, Is.EqualTo(1).Within(0.02));
    }
}
