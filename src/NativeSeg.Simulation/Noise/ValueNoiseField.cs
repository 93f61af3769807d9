using NativeSeg.Simulation.Randomness;

namespace NativeSeg.Simulation.Noise;

/// <summary>
/// Smooth seeded 3D value noise in millimetres: random values in [−1, 1] on a cubic lattice of the given cell size,
/// interpolated with the quintic fade 6t⁵ − 15t⁴ + 10t³ (continuous first and second derivatives, so thresholded
/// surfaces have no lattice creases). The lattice is precomputed over a box, so a sample costs 8 array reads.
/// </summary>
internal sealed class ValueNoiseField
{
    private readonly float[] _lattice;
    private readonly int _nx, _ny, _nz;
    private readonly double _cell, _x0, _y0, _z0;

    /// <param name="minimum">Lowest corner (mm) of the box that will be sampled.</param>
    /// <param name="maximum">Highest corner (mm) of the box that will be sampled.</param>
    public ValueNoiseField(ulong seed, ulong stream, double cellMm, (double X, double Y, double Z) minimum, (double X, double Y, double Z) maximum)
    {
        if (!(cellMm > 0)) throw new ArgumentOutOfRangeException(nameof(cellMm), "cell size must be positive");
        _cell = cellMm;
        _x0 = minimum.X; _y0 = minimum.Y; _z0 = minimum.Z;
        _nx = (int)Math.Floor((maximum.X - minimum.X) / cellMm) + 2;
        _ny = (int)Math.Floor((maximum.Y - minimum.Y) / cellMm) + 2;
        _nz = (int)Math.Floor((maximum.Z - minimum.Z) / cellMm) + 2;
        _lattice = new float[_nx * _ny * _nz];
        for (int k = 0; k < _nz; k++)
            for (int j = 0; j < _ny; j++)
                for (int i = 0; i < _nx; i++)
                    _lattice[i + _nx * (j + _ny * k)] = (float)StatelessRandom.Signed(StatelessRandom.Hash(seed, stream, i, j, k));
    }

    public float Sample(double x, double y, double z)
    {
        double fx = Math.Clamp((x - _x0) / _cell, 0, _nx - 1.000001);
        double fy = Math.Clamp((y - _y0) / _cell, 0, _ny - 1.000001);
        double fz = Math.Clamp((z - _z0) / _cell, 0, _nz - 1.000001);
        int i = (int)fx, j = (int)fy, k = (int)fz;
        double tx = Fade(fx - i), ty = Fade(fy - j), tz = Fade(fz - k);
        int b = i + _nx * (j + _ny * k);
        int sy = _nx, sz = _nx * _ny;
        double c00 = Lerp(_lattice[b], _lattice[b + 1], tx);
        double c10 = Lerp(_lattice[b + sy], _lattice[b + sy + 1], tx);
        double c01 = Lerp(_lattice[b + sz], _lattice[b + sz + 1], tx);
        double c11 = Lerp(_lattice[b + sy + sz], _lattice[b + sy + sz + 1], tx);
        return (float)Lerp(Lerp(c00, c10, ty), Lerp(c01, c11, ty), tz);
    }

    private static double Fade(double t) => t * t * t * (t * (t * 6 - 15) + 10);

    private static double Lerp(double a, double b, double t) => a + (b - a) * t;
}

/// <summary>Sum of value-noise octaves: each octave halves the cell size and the amplitude ("fractal" noise).</summary>
internal sealed class FractalNoise
{
    private readonly ValueNoiseField[] _octaves;
    private readonly double[] _amplitudes;

    public FractalNoise(ulong seed, ulong stream, double coarsestCellMm, int octaves, double persistence,
        (double X, double Y, double Z) minimum, (double X, double Y, double Z) maximum)
    {
        _octaves = new ValueNoiseField[octaves];
        _amplitudes = new double[octaves];
        double cell = coarsestCellMm, amplitude = 1;
        for (int o = 0; o < octaves; o++)
        {
            _octaves[o] = new ValueNoiseField(seed, stream * 16 + (ulong)o, cell, minimum, maximum);
            _amplitudes[o] = amplitude;
            cell /= 2;
            amplitude *= persistence;
        }
    }

    public float Sample(double x, double y, double z)
    {
        double sum = 0;
        for (int o = 0; o < _octaves.Length; o++)
            sum += _amplitudes[o] * _octaves[o].Sample(x, y, z);
        return (float)sum;
    }
}
