namespace NativeSeg.Simulation.Randomness;

/// <summary>
/// Random numbers as a pure function of (seed, stream, coordinates). Every voxel draws its own values from a hash
/// of its position, so the result is the same bytes whatever the thread count or the order voxels are visited in:
/// a sequential <see cref="Random"/> shared by parallel loops could not promise that.
/// </summary>
internal static class StatelessRandom
{
    /// <summary>SplitMix64's finaliser: a bijective mixer whose output bits each depend on every input bit.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static ulong Hash(ulong seed, ulong stream, long a, long b = 0, long c = 0)
    {
        ulong h = Mix(seed ^ 0x9E3779B97F4A7C15UL);
        h = Mix(h ^ stream);
        h = Mix(h ^ (ulong)a);
        h = Mix(h ^ (ulong)b);
        return Mix(h ^ (ulong)c);
    }

    /// <summary>Uniform in [0, 1) from the top 53 bits.</summary>
    public static double Uniform(ulong hash) => (hash >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [−1, 1).</summary>
    public static double Signed(ulong hash) => 2 * Uniform(hash) - 1;

    /// <summary>Standard normal from one 64-bit hash: Box–Muller on its two 32-bit halves.</summary>
    public static double Gaussian(ulong hash)
    {
        double u1 = ((hash >> 32) + 0.5) * (1.0 / 4294967296.0); // (0, 1): never log(0)
        double u2 = (hash & 0xFFFFFFFFUL) * (1.0 / 4294967296.0);
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
