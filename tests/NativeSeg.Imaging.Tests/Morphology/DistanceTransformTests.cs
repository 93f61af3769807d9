using NativeSeg.Imaging.Morphology;

namespace NativeSeg.Imaging.Tests.Morphology;

public class DistanceTransformTests
{
    [Test]
    public void DistanceTransformMatchesBruteForceWithAnisotropicSpacing()
    {
        const int nx = 13, ny = 11, nz = 9;
        double sx = 0.8, sy = 1.1, sz = 2.5;
        var inside = new bool[nx * ny * nz];
        var random = new Random(42);
        for (int z = 1; z < nz - 1; z++)
            for (int y = 1; y < ny - 1; y++)
                for (int x = 1; x < nx - 1; x++)
                    inside[x + nx * (y + ny * z)] = random.NextDouble() < 0.8;
        var fast = DistanceTransform.DistanceToOutside(inside, nx, ny, nz, sx, sy, sz);
        for (int v = 0; v < inside.Length; v++)
        {
            int x = v % nx, y = v / nx % ny, z = v / (nx * ny);
            double best = double.MaxValue;
            for (int w = 0; w < inside.Length; w++)
            {
                if (inside[w]) continue;
                int u = w % nx, t = w / nx % ny, s = w / (nx * ny);
                best = Math.Min(best, Math.Sqrt(Math.Pow((x - u) * sx, 2) + Math.Pow((y - t) * sy, 2) + Math.Pow((z - s) * sz, 2)));
            }
            Assert.That(fast[v], Is.EqualTo(inside[v] ? best : 0).Within(1e-4), $"voxel ({x},{y},{z})");
        }
    }
}
