using NativeSeg.Imaging.Morphology;
using NativeSeg.Imaging.Preprocessing;


namespace NativeSeg.Imaging.Tests.Morphology;

/// <summary>
/// The run-based connected components and hole filling (<see cref="ConnectedComponents3D"/>, <see cref="HoleFilling3D"/>)
/// against a plain voxel-by-voxel breadth-first search written here for clarity, on fresh random volumes of several
/// densities and odd sizes: identical labels (numbering included), sizes and filled voxels.
/// </summary>
[TestFixture]
public class RunLabellingMatchesVoxelSearchTests
{
    private static IEnumerable<TestCaseData> Volumes()
    {
        int seed = 11;
        foreach (var (sx, sy, sz) in new[] { (1, 1, 1), (7, 5, 3), (17, 13, 9), (33, 1, 4), (1, 29, 6), (40, 31, 11) })
            foreach (double density in new[] { 0.05, 0.3, 0.55, 0.8 })
                yield return new TestCaseData(sx, sy, sz, density, seed++).SetArgDisplayNames($"{sx}x{sy}x{sz} p{density}");
    }

    private static byte[] Random(int sx, int sy, int sz, double density, int seed)
    {
        var random = new Random(seed);
        var v = new byte[sx * sy * sz];
        for (int i = 0; i < v.Length; i++) v[i] = random.NextDouble() < density ? (byte)(1 + random.Next(3)) : (byte)0;
        return v;
    }

    [TestCaseSource(nameof(Volumes))]
    public void ComponentsMatch(int sx, int sy, int sz, double density, int seed)
    {
        var v = Random(sx, sy, sz, density, seed);
        foreach (bool facesOnly in new[] { false, true })
        {
            var (labels, sizes) = VoxelSearch.Components(v, sx, sy, sz, facesOnly);
            var found = ConnectedComponents3D.Find(v, sx, sy, sz, facesOnly);
            Assert.That(found.Sizes, Is.EqualTo(sizes), $"sizes, facesOnly {facesOnly}");
            Assert.That(found.Labels, Is.EqualTo(labels), $"labels, facesOnly {facesOnly}");
        }
    }

    [TestCaseSource(nameof(Volumes))]
    public void HoleFillingMatches(int sx, int sy, int sz, double density, int seed)
    {
        var v = Random(sx, sy, sz, density, seed);
        var expected = (byte[])v.Clone();
        long expectedCount = VoxelSearch.FillHoles(expected, sx, sy, sz, 7);
        long count = HoleFilling3D.Fill(v, sx, sy, sz, 7);
        Assert.That(count, Is.EqualTo(expectedCount));
        Assert.That(v, Is.EqualTo(expected));
    }

    [TestCase(1, 0.3)]
    [TestCase(2, 0.5)]
    [TestCase(3, 0.62)]
    [TestCase(4, 0.8)]
    public void BodyBoxMatches(int seed, double density)
    {
        const int columns = 61, rows = 47;
        var random = new Random(seed);
        var hu = new float[columns * rows];
        for (int i = 0; i < hu.Length; i++) hu[i] = random.NextDouble() < density ? 40 : -1000;
        hu[5] = float.NaN; // never body
        var pixels = new byte[hu.Length];
        var box = new BodyBox(columns, rows).Find(hu, pixels);

        var above = hu.Select(v => v > BodyBox.DefaultThresholdHu ? (byte)1 : (byte)0).ToArray();
        var (labels, sizes) = VoxelSearch.Components(above, columns, rows, 1, facesOnly: false);
        int best = 0; // first component of the largest size, in raster order of discovery
        for (int l = 1; l <= sizes.Length; l++) if (sizes[l - 1] > (best == 0 ? 0 : sizes[best - 1])) best = l;
        Assume.That(sizes[best - 1], Is.GreaterThanOrEqualTo(BodyBox.MinimumBodyPixels));
        var expected = labels.Select(l => l == best ? (byte)1 : (byte)0).ToArray();
        Assert.That(pixels, Is.EqualTo(expected));
        var xs = Enumerable.Range(0, hu.Length).Where(i => expected[i] == 1).Select(i => i % columns).ToList();
        var ys = Enumerable.Range(0, hu.Length).Where(i => expected[i] == 1).Select(i => i / columns).ToList();
        Assert.That(box, Is.EqualTo(new CropBox(xs.Min(), ys.Min(), xs.Max() - xs.Min() + 1, ys.Max() - ys.Min() + 1, HasBody: true)));
    }

    /// <summary>The obvious algorithms, one voxel at a time.</summary>
    private static class VoxelSearch
    {
        public static (int[] Labels, long[] Sizes) Components(byte[] mask, int sx, int sy, int sz, bool facesOnly)
        {
            var labels = new int[mask.Length];
            var sizes = new List<long>();
            var queue = new Queue<(int X, int Y, int Z)>();
            for (int z = 0; z < sz; z++)
                for (int y = 0; y < sy; y++)
                    for (int x = 0; x < sx; x++)
                    {
                        int i = x + sx * (y + sy * z);
                        if (mask[i] == 0 || labels[i] != 0) continue;
                        int label = sizes.Count + 1;
                        long size = 0;
                        labels[i] = label;
                        queue.Enqueue((x, y, z));
                        while (queue.Count > 0)
                        {
                            var (px, py, pz) = queue.Dequeue();
                            size++;
                            for (int dz = -1; dz <= 1; dz++)
                                for (int dy = -1; dy <= 1; dy++)
                                    for (int dx = -1; dx <= 1; dx++)
                                    {
                                        int steps = Math.Abs(dx) + Math.Abs(dy) + Math.Abs(dz);
                                        if (steps == 0 || (facesOnly && steps != 1)) continue;
                                        int qx = px + dx, qy = py + dy, qz = pz + dz;
                                        if (qx < 0 || qy < 0 || qz < 0 || qx >= sx || qy >= sy || qz >= sz) continue;
                                        int q = qx + sx * (qy + sy * qz);
                                        if (mask[q] == 0 || labels[q] != 0) continue;
                                        labels[q] = label;
                                        queue.Enqueue((qx, qy, qz));
                                    }
                        }
                        sizes.Add(size);
                    }
            return (labels, [.. sizes]);
        }

        /// <summary>Background not 6-connected to the volume's border becomes <paramref name="value"/>.</summary>
        public static long FillHoles(byte[] mask, int sx, int sy, int sz, byte value)
        {
            var outside = new bool[mask.Length];
            var queue = new Queue<(int X, int Y, int Z)>();
            for (int z = 0; z < sz; z++)
                for (int y = 0; y < sy; y++)
                    for (int x = 0; x < sx; x++)
                    {
                        bool border = x == 0 || y == 0 || z == 0 || x == sx - 1 || y == sy - 1 || z == sz - 1;
                        int i = x + sx * (y + sy * z);
                        if (!border || mask[i] != 0) continue;
                        outside[i] = true;
                        queue.Enqueue((x, y, z));
                    }
            (int, int, int)[] steps = [(1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)];
            while (queue.Count > 0)
            {
                var (x, y, z) = queue.Dequeue();
                foreach (var (dx, dy, dz) in steps)
                {
                    int qx = x + dx, qy = y + dy, qz = z + dz;
                    if (qx < 0 || qy < 0 || qz < 0 || qx >= sx || qy >= sy || qz >= sz) continue;
                    int q = qx + sx * (qy + sy * qz);
                    if (mask[q] != 0 || outside[q]) continue;
                    outside[q] = true;
                    queue.Enqueue((qx, qy, qz));
                }
            }
            long filled = 0;
            for (int i = 0; i < mask.Length; i++)
                if (mask[i] == 0 && !outside[i]) { mask[i] = value; filled++; }
            return filled;
        }
    }
}
