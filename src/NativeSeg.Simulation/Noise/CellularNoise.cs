using NativeSeg.Simulation.Randomness;

namespace NativeSeg.Simulation.Noise;

/// <summary>
/// Worley (cellular) noise: one jittered feature point per cubic cell; at a position, F1 and F2 are the distances to
/// the nearest and second-nearest points. F2 − F1 is small exactly on the walls between Voronoi cells, which gives the
/// polygonal network of thickened interlobular septa seen in crazy paving. The points of every cell of the sampled
/// box (plus one ring of cells) are precomputed, so a sample reads 27 points instead of hashing 27 cells.
/// </summary>
internal sealed class CellularNoise
{
    private readonly double _cell;
    private readonly long _i0, _j0, _k0;
    private readonly int _ni, _nj;
    private readonly double[] _points; // x, y, z per cell

    public CellularNoise(ulong seed, ulong stream, double cellMm, (double X, double Y, double Z) minimum, (double X, double Y, double Z) maximum)
    {
        if (!(cellMm > 0)) throw new ArgumentOutOfRangeException(nameof(cellMm), "cell size must be positive");
        _cell = cellMm;
        _i0 = (long)Math.Floor(minimum.X / cellMm) - 1;
        _j0 = (long)Math.Floor(minimum.Y / cellMm) - 1;
        _k0 = (long)Math.Floor(minimum.Z / cellMm) - 1;
        _ni = (int)((long)Math.Floor(maximum.X / cellMm) + 1 - _i0 + 1);
        _nj = (int)((long)Math.Floor(maximum.Y / cellMm) + 1 - _j0 + 1);
        int nk = (int)((long)Math.Floor(maximum.Z / cellMm) + 1 - _k0 + 1);
        _points = new double[3 * _ni * _nj * nk];
        for (int c = 0; c < _ni * _nj * nk; c++)
        {
            long i = _i0 + c % _ni, j = _j0 + c / _ni % _nj, k = _k0 + c / (_ni * _nj);
            ulong h = StatelessRandom.Hash(seed, stream, i, j, k);
            // Three jitter coordinates from disjoint 21-bit fields of one hash.
            _points[3 * c] = (i + (h & 0x1FFFFF) / 2097152.0) * cellMm;
            _points[3 * c + 1] = (j + ((h >> 21) & 0x1FFFFF) / 2097152.0) * cellMm;
            _points[3 * c + 2] = (k + ((h >> 42) & 0x1FFFFF) / 2097152.0) * cellMm;
        }
    }

    /// <summary>F2 − F1 in millimetres at a position (mm) inside the box given to the constructor.</summary>
    public double WallDistance(double x, double y, double z)
    {
        long ci = (long)Math.Floor(x / _cell) - _i0, cj = (long)Math.Floor(y / _cell) - _j0, ck = (long)Math.Floor(z / _cell) - _k0;
        double f1 = double.MaxValue, f2 = double.MaxValue;
        for (long dk = -1; dk <= 1; dk++)
            for (long dj = -1; dj <= 1; dj++)
                for (long di = -1; di <= 1; di++)
                {
                    long c = (ci + di) + _ni * ((cj + dj) + _nj * (ck + dk));
                    double px = _points[3 * c], py = _points[3 * c + 1], pz = _points[3 * c + 2];
                    double d = (px - x) * (px - x) + (py - y) * (py - y) + (pz - z) * (pz - z);
                    if (d < f1) { f2 = f1; f1 = d; }
                    else if (d < f2) f2 = d;
                }
        return Math.Sqrt(f2) - Math.Sqrt(f1); // compare squared distances, take roots once
    }
}
