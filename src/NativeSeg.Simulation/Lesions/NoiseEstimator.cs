using NativeSeg.IO.Volumes;

namespace NativeSeg.Simulation.Lesions;

/// <summary>
/// Measures the CT's image noise as a standard deviation in HU. Method: tile every other axial slice into 7×7
/// in-plane windows; keep the windows whose 49 voxels all lie in soft tissue (−150..+150 HU: fat, muscle, heart,
/// liver), since those are homogeneous apart from noise; take the 20th percentile of the windows' sample SDs.
/// A low percentile rather than the median discards windows that still straddle an edge (fat against muscle,
/// a vessel wall); for pure Gaussian noise it reads about 9 % low, which we correct for. Windows with an SD under
/// 0.5 HU are padding, not tissue, and are skipped. Air outside the body is not used: many scanners clamp it or
/// fill the region outside the reconstruction circle with a constant.
/// </summary>
public static class NoiseEstimator
{
    private const int Window = 7;
    private const float TissueLow = -150, TissueHigh = 150;
    private const double Percentile = 0.2;

    /// <summary>
    /// 20th percentile of 49-sample SDs of unit Gaussian noise: sqrt(χ²₄₈ quantile 0.2 / 48) = 0.909 (Wilson–Hilferty:
    /// 48·(1 − 2/432 − 0.8416·sqrt(2/432))³ = 39.63). Dividing by it makes the estimate unbiased for white noise.
    /// </summary>
    private const double PercentileBias = 0.909;

    /// <summary>The estimated noise SD in HU, or null when the volume has no homogeneous soft tissue.</summary>
    public static double? EstimateSd(Volume<float> ct)
    {
        ArgumentNullException.ThrowIfNull(ct);
        var g = ct.Grid;
        int tilesX = g.SizeX / Window, tilesY = g.SizeY / Window;
        var perSlice = new List<double>[g.SizeZ];
        Parallel.For(0, (g.SizeZ + 1) / 2, half =>
        {
            int z = half * 2;
            var list = new List<double>();
            var slice = ct.Slice(z);
            for (int ty = 0; ty < tilesY; ty++)
                for (int tx = 0; tx < tilesX; tx++)
                {
                    double sum = 0, sumSquares = 0;
                    bool homogeneous = true;
                    for (int y = ty * Window; y < (ty + 1) * Window && homogeneous; y++)
                        for (int x = tx * Window; x < (tx + 1) * Window; x++)
                        {
                            float v = slice[x + y * g.SizeX];
                            if (v < TissueLow || v > TissueHigh) { homogeneous = false; break; }
                            sum += v;
                            sumSquares += (double)v * v;
                        }
                    if (!homogeneous) continue;
                    const int n = Window * Window;
                    double variance = (sumSquares - sum * sum / n) / (n - 1);
                    double sd = Math.Sqrt(Math.Max(variance, 0));
                    if (sd >= 0.5) list.Add(sd);
                }
            perSlice[z] = list;
        });
        var all = perSlice.Where(l => l is not null).SelectMany(l => l).ToArray();
        if (all.Length < 20) return null;
        Array.Sort(all);
        return all[(int)(Percentile * (all.Length - 1))] / PercentileBias;
    }
}
