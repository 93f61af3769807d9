namespace NativeSeg.Simulation.Phantoms;

/// <summary>A capsule: the points within <see cref="Radius"/> mm of the segment from A to B (patient mm, L/P/S axes).</summary>
internal readonly record struct Capsule((double L, double P, double S) A, (double L, double P, double S) B, double Radius)
{
    /// <summary>Distance (mm) from a point to the segment A–B.</summary>
    public double DistanceToAxis(double l, double p, double s)
    {
        double dl = B.L - A.L, dp = B.P - A.P, ds = B.S - A.S;
        double lengthSquared = dl * dl + dp * dp + ds * ds;
        double t = lengthSquared == 0 ? 0 : ((l - A.L) * dl + (p - A.P) * dp + (s - A.S) * ds) / lengthSquared;
        t = Math.Clamp(t, 0, 1);
        double el = l - (A.L + t * dl), ep = p - (A.P + t * dp), es = s - (A.S + t * ds);
        return Math.Sqrt(el * el + ep * ep + es * es);
    }
}
