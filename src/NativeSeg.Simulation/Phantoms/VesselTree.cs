using NativeSeg.Simulation.Randomness;

namespace NativeSeg.Simulation.Phantoms;

/// <summary>
/// Pulmonary vessel trees as seeded binary branching: each segment splits into two children turned 30–55° away from
/// it in random planes and pulled back towards the root's direction (so the tree fans out from the hilum instead of
/// curling back), 0.8× as long and 0.79× as thick (Murray's law: r·2^(−1/3)), until the radius falls under 0.6 mm (10 generations
/// from 5 mm). Directions come from hashes of (seed, root, node), so the tree does not depend on evaluation order.
/// </summary>
internal static class VesselTree
{
    private const double RootRadius = 5, RootLength = 20, LengthRatio = 0.8, RadiusRatio = 0.79, MinimumRadius = 0.6, OutwardPull = 0.25;

    public static List<Capsule> Grow(ulong seed, IEnumerable<((double L, double P, double S) Start, (double L, double P, double S) Direction)> roots)
    {
        var segments = new List<Capsule>();
        int rootIndex = 0;
        foreach (var (start, direction) in roots)
            Branch(seed, rootIndex++, 1, start, Normalise(direction), Normalise(direction), RootLength, RootRadius, segments);
        return segments;
    }

    private static void Branch(ulong seed, int root, long node, (double L, double P, double S) start,
        (double L, double P, double S) direction, (double L, double P, double S) rootDirection, double length, double radius,
        List<Capsule> segments)
    {
        var end = (start.L + length * direction.L, start.P + length * direction.P, start.S + length * direction.S);
        segments.Add(new Capsule(start, end, radius));
        if (radius * RadiusRatio < MinimumRadius) return;
        for (int child = 0; child < 2; child++)
        {
            long id = node * 2 + child;
            double angle = (30 + 25 * StatelessRandom.Uniform(StatelessRandom.Hash(seed, 200 + (ulong)root, id, 0))) * Math.PI / 180;
            double spin = 2 * Math.PI * StatelessRandom.Uniform(StatelessRandom.Hash(seed, 200 + (ulong)root, id, 1));
            // Children of one parent leave on opposite sides of it.
            if (child == 1) spin += Math.PI;
            var turned = Turn(direction, angle, spin);
            var pulled = Normalise((turned.L + OutwardPull * rootDirection.L, turned.P + OutwardPull * rootDirection.P,
                turned.S + OutwardPull * rootDirection.S));
            Branch(seed, root, id, end, pulled, rootDirection, length * LengthRatio, radius * RadiusRatio, segments);
        }
    }

    /// <summary>Tilts a unit vector by <paramref name="angle"/> towards the perpendicular chosen by <paramref name="spin"/>.</summary>
    private static (double L, double P, double S) Turn((double L, double P, double S) d, double angle, double spin)
    {
        // Two unit vectors perpendicular to d: cross with the axis least aligned with it, then cross again.
        var helper = Math.Abs(d.S) < 0.9 ? (0.0, 0.0, 1.0) : (1.0, 0.0, 0.0);
        var u = Normalise(Cross(d, helper));
        var v = Cross(d, u);
        double c = Math.Cos(spin), s = Math.Sin(spin);
        var perpendicular = (u.L * c + v.L * s, u.P * c + v.P * s, u.S * c + v.S * s);
        double ca = Math.Cos(angle), sa = Math.Sin(angle);
        return Normalise((d.L * ca + perpendicular.Item1 * sa, d.P * ca + perpendicular.Item2 * sa, d.S * ca + perpendicular.Item3 * sa));
    }

    private static (double L, double P, double S) Cross((double L, double P, double S) a, (double L, double P, double S) b) =>
        (a.P * b.S - a.S * b.P, a.S * b.L - a.L * b.S, a.L * b.P - a.P * b.L);

    private static (double L, double P, double S) Normalise((double L, double P, double S) v)
    {
        double n = Math.Sqrt(v.L * v.L + v.P * v.P + v.S * v.S);
        return (v.L / n, v.P / n, v.S / n);
    }
}
