using NativeSeg.IO.Volumes;
using NativeSeg.Tests.Shared;
using NativeSeg.Simulation.Phantoms;

namespace NativeSeg.Simulation.Tests;

/// <summary>Shared fixtures: the repository's shared data folder and small phantoms generated once per run.</summary>
internal static class TestData
{
    /// <summary>128×128×48 over 400 mm × 300 mm: 3.1 mm in-plane, 6.25 mm slices; fast but with every structure.</summary>
    public static PhantomOptions SmallPhantomOptions { get; } = new() { SizeX = 128, SizeY = 128, SizeZ = 48, Seed = 7 };

    // Declared after the options: static fields initialise in text order.
    private static readonly Lazy<Phantom> SmallPhantomLazy = new(() => ChestPhantom.Generate(SmallPhantomOptions));

    public static Phantom SmallPhantom => SmallPhantomLazy.Value;

    /// <summary>A file or folder of the shared real data (see <see cref="RepositoryPaths"/>); its absence fails the test.</summary>
    public static string RequireSharedFile(params string[] parts)
    {
        string path = RepositoryPaths.SharedData(parts);
        if (!File.Exists(path) && !Directory.Exists(path))
            Assert.Fail($"{path} is missing: the shared data must sit beside the repository.");
        return path;
    }

    public static (double X, double Y, double Z) Ras(Grid grid, int index)
    {
        int x = index % grid.SizeX, rest = index / grid.SizeX;
        return grid.Affine.Apply(x, rest % grid.SizeY, rest / grid.SizeY);
    }

    /// <summary>Byte-for-byte equality (NUnit's element-wise collection compare is far too slow for volumes).</summary>
    public static bool SameBytes<T>(T[] a, T[] b) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()).SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(b.AsSpan()));

    public static double Median(IEnumerable<float> values) => Quantile(values, 0.5);

    public static double Quantile(IEnumerable<float> values, double q)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        Assert.That(sorted, Is.Not.Empty, "no values to take a quantile of");
        return sorted[(int)Math.Round(q * (sorted.Length - 1))];
    }

    /// <summary>6-connected components of non-zero voxels (a plain flood fill, independent of the library).</summary>
    public static List<List<int>> Components(Volume<byte> mask, Func<byte, bool>? member = null)
    {
        member ??= b => b != 0;
        var g = mask.Grid;
        var seen = new bool[g.VoxelCount];
        var components = new List<List<int>>();
        var stack = new Stack<int>();
        for (int start = 0; start < seen.Length; start++)
        {
            if (seen[start] || !member(mask.Voxels[start])) continue;
            var component = new List<int>();
            seen[start] = true;
            stack.Push(start);
            while (stack.Count > 0)
            {
                int v = stack.Pop();
                component.Add(v);
                foreach (int w in Neighbours(g, v))
                    if (!seen[w] && member(mask.Voxels[w])) { seen[w] = true; stack.Push(w); }
            }
            components.Add(component);
        }
        return components;
    }

    public static IEnumerable<int> Neighbours(Grid g, int v)
    {
        int x = v % g.SizeX, rest = v / g.SizeX, y = rest % g.SizeY, z = rest / g.SizeY;
        if (x > 0) yield return v - 1;
        if (x < g.SizeX - 1) yield return v + 1;
        if (y > 0) yield return v - g.SizeX;
        if (y < g.SizeY - 1) yield return v + g.SizeX;
        if (z > 0) yield return v - g.SliceLength;
        if (z < g.SizeZ - 1) yield return v + g.SliceLength;
    }
}
