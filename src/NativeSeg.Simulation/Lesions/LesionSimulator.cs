using NativeSeg.Imaging.Morphology;
using NativeSeg.IO.Volumes;
using NativeSeg.Simulation.Noise;
using NativeSeg.Simulation.Randomness;

namespace NativeSeg.Simulation.Lesions;

/// <summary>
/// Inserts COVID-19 pneumonia into a CT inside its lung mask.
/// <para>Where: a field F = smooth fractal noise (standardised over the lung) + a prior that favours voxels near the
/// pleura (exp(−d/12 mm), d = Euclidean distance to the lung boundary other than airway air, weighted down towards the mediastinum unless
/// posterior, so that the costal pleura dominates), posterior and basal voxels (linear in the RAS y and z position
/// within the lung). Lesions are the voxels where F exceeds a threshold found by bisection so
/// that each lung gets its share of the requested fraction: both lungs are always affected (bilateral), the noise
/// makes several separate foci (multifocal), and the prior makes them peripheral, posterior and basal.</para>
/// <para>Which kind: within the lesions, the voxels with the highest F plus an extra pleural term become
/// consolidation; consolidation components (6-connected) that do not touch the pleura revert to ground glass,
/// so every consolidation abuts the pleura, with a ground-glass halo around it.</para>
/// <para>Densities: ground glass blends the original voxel towards a target of −645..−535 HU,
/// new = old + b·(target − old) with b from 0.6 at the lesion edge to 0.95 deep inside, and only where the original
/// is darker than the target, so vessels keep their density and stay visible. Consolidation is −90..+40 HU
/// (a smooth level field) plus noise. Added noise is white Gaussian with the SD measured in the input
/// (<see cref="NoiseEstimator"/>), scaled for ground glass so that kept and added noise together match it.</para>
/// <para>Options for the hard cases (<see cref="LesionOptions"/>): the pleural and dependent terms can be emphasised
/// (consolidation lining the chest wall over long stretches, posterior and basal consolidation of a whole lobe);
/// air bronchograms keep the air of bronchi inside consolidation; a dependent pleural effusion (fluid, 5–25 HU)
/// replaces the most posterior, basal lung within a crescent of given greatest thickness and is taken out of the
/// lung mask, so the network learns that fluid beside consolidation is not lung. The effusion is decided first and
/// the lesions are spread over the lung that remains.</para>
/// Every random number is a hash of (seed, purpose, position), so results are byte-identical for a seed whatever
/// the thread count.
/// </summary>
public static class LesionSimulator
{
    private const double PleuralLengthMm = 12, PleuralWeight = 2.0, PosteriorWeight = 1.0, BasalWeight = 1.0;
    private const double ConsolidationPleuralLengthMm = 10, ConsolidationPleuralWeight = 0.3, ConsolidationNoiseWeight = 0.6;
    private const double EdgeRampWidth = 0.35;
    private const double FallbackNoiseSd = 12;

    /// <summary>Original density (HU) below which a voxel inside consolidation, with its four in-plane neighbours, is
    /// taken as bronchial air and kept (air bronchogram): well below aerated parenchyma (about −850 HU).</summary>
    public const float BronchogramAirHu = -930;
    private const double BronchogramMinimumDepthMm = 2;
    private const double EffusionLowHu = 5, EffusionHighHu = 25;

    // Streams: one per purpose, so changing one field never shifts another.
    private const ulong StreamShape = 1, StreamSides = 2, StreamConsolidation = 3, StreamGlassLevel = 4,
        StreamConsolidationLevel = 5, StreamPavingRegion = 6, StreamPavingCells = 7, StreamNoise = 8,
        StreamEffusionSide = 9, StreamEffusionLevel = 10;

    public static LesionSimulationResult Simulate(Volume<float> ct, Volume<byte> lungMask, LesionOptions options)
    {
        ArgumentNullException.ThrowIfNull(ct);
        ArgumentNullException.ThrowIfNull(lungMask);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!ct.Grid.SameGeometry(lungMask.Grid, 1e-3))
            throw new ArgumentException($"The lung mask grid ({lungMask.Grid}) differs from the CT grid ({ct.Grid}).", nameof(lungMask));
        var box = VoxelBox.Around(lungMask) ?? throw new ArgumentException("The lung mask is empty.", nameof(lungMask));

        double noiseSd;
        bool measured = false;
        if (options.NoiseSd is { } given) noiseSd = given;
        else
        {
            double? estimate = NoiseEstimator.EstimateSd(ct);
            measured = estimate.HasValue;
            noiseSd = estimate ?? FallbackNoiseSd;
        }

        var lung = LungVoxels.Gather(lungMask, ct, box);
        var grid = ct.Grid;
        var a = AffineRows.Of(grid.Affine);
        ulong seed = options.Seed;

        // --- Shape field F -------------------------------------------------------------------------------------
        int n = lung.Count;
        var (minimum, maximum) = lung.Extent(a);
        var shapeNoise = new FractalNoise(seed, StreamShape, 48, 3, 0.5, minimum, maximum);
        var raw = new float[n];
        Parallel.For(0, n, p =>
        {
            var (x, y, z) = a.Position(lung.Global[p], grid);
            raw[p] = shapeNoise.Sample(x, y, z);
        });
        var (mean, sd) = MeanAndSd(raw);
        var field = new float[n];
        var isRight = new bool[n];
        double xCentre = lung.MeanX(a);
        double halfWidth = Math.Max(Math.Max(maximum.X - xCentre, xCentre - minimum.X), 1e-6);
        Parallel.For(0, n, p =>
        {
            var (x, y, z) = a.Position(lung.Global[p], grid);
            double posterior = (maximum.Y - y) / Math.Max(maximum.Y - minimum.Y, 1e-6);
            double basal = (maximum.Z - z) / Math.Max(maximum.Z - minimum.Z, 1e-6);
            // Costal pleura rather than mediastinal: the pleural term fades towards the midline unless posterior.
            double lateral = Math.Abs(x - xCentre) / halfWidth;
            double pleural = Math.Exp(-lung.Distance[p] / PleuralLengthMm) * (0.35 + 0.65 * Math.Min(1, Math.Max(lateral, posterior)));
            field[p] = (float)((raw[p] - mean) / sd + options.PleuralEmphasis * PleuralWeight * pleural
                               + options.DependentEmphasis * (PosteriorWeight * posterior + BasalWeight * basal));
            isRight[p] = x > xCentre; // RAS: +x is the patient's right
        });

        // --- Effusion first: the lesions are spread over the lung that remains -----------------------------------
        var effusion = new bool[n];
        long effusionCount = 0;
        if (options.EffusionThicknessMm > 0)
            effusionCount = MarkEffusion(lung, a, grid, minimum, maximum, isRight, options, effusion);

        // --- Lesions: per-lung thresholds so both lungs are affected --------------------------------------------
        long rightCount = 0, leftCount = 0;
        for (int p = 0; p < n; p++)
        {
            if (effusion[p]) continue;
            if (isRight[p]) rightCount++; else leftCount++;
        }
        var (rightTarget, leftTarget) = SplitTarget(options.AffectedFraction, rightCount, leftCount,
            StatelessRandom.Signed(StatelessRandom.Hash(seed, StreamSides, 0)));
        float rightThreshold = Thresholds.Above(field, p => isRight[p] && !effusion[p], rightTarget);
        float leftThreshold = Thresholds.Above(field, p => !isRight[p] && !effusion[p], leftTarget);
        var label = new byte[n];
        var margin = new float[n];
        for (int p = 0; p < n; p++)
        {
            if (effusion[p]) continue;
            float t = isRight[p] ? rightThreshold : leftThreshold;
            if (field[p] > t)
            {
                label[p] = LesionLabel.GroundGlass;
                margin[p] = field[p] - t;
            }
        }

        // --- Consolidation: densest, most pleural part of the lesions, kept only where it reaches the pleura -----
        long lesionCount = label.LongCount(l => l != 0);
        long consolidationTarget = (long)Math.Round(options.ConsolidationShare * lesionCount);
        if (consolidationTarget > 0)
        {
            var consolidationNoise = new FractalNoise(seed, StreamConsolidation, 24, 2, 0.5, minimum, maximum);
            var score = new float[n];
            Parallel.For(0, n, p =>
            {
                if (label[p] == 0) { score[p] = float.NegativeInfinity; return; }
                var (x, y, z) = a.Position(lung.Global[p], grid);
                score[p] = (float)(field[p] + options.PleuralEmphasis * ConsolidationPleuralWeight * Math.Exp(-lung.Distance[p] / ConsolidationPleuralLengthMm)
                                   + ConsolidationNoiseWeight * consolidationNoise.Sample(x, y, z));
            });
            float threshold = Thresholds.Above(score, p => label[p] != 0, consolidationTarget);
            for (int p = 0; p < n; p++)
                if (label[p] != 0 && score[p] > threshold) label[p] = LesionLabel.Consolidation;
            lung.KeepComponentsTouchingBoundary(label, LesionLabel.Consolidation, LesionLabel.GroundGlass);
        }

        // --- Crazy paving regions ---------------------------------------------------------------------------------
        FractalNoise? pavingRegion = null;
        CellularNoise? pavingCells = null;
        if (options.CrazyPaving)
        {
            pavingRegion = new FractalNoise(seed, StreamPavingRegion, 40, 2, 0.5, minimum, maximum);
            pavingCells = new CellularNoise(seed, StreamPavingCells, 9, minimum, maximum);
        }

        // --- Densities --------------------------------------------------------------------------------------------
        var glassLevel = new FractalNoise(seed, StreamGlassLevel, 32, 2, 0.5, minimum, maximum);
        var consolidationLevel = new FractalNoise(seed, StreamConsolidationLevel, 24, 2, 0.5, minimum, maximum);
        var output = (float[])ct.Voxels.Clone();
        var lesionMask = new byte[grid.VoxelCount];
        var source = ct.Voxels;
        var effusionLevel = new FractalNoise(seed, StreamEffusionLevel, 40, 1, 0.5, minimum, maximum);
        var bronchogram = new bool[n];
        Parallel.For(0, n, p =>
        {
            int g = lung.Global[p];
            if (effusion[p])
            {
                var (ex, ey, ez) = a.Position(g, grid);
                double fluid = EffusionLowHu + (EffusionHighHu - EffusionLowHu) * (0.5 + 0.5 * Math.Clamp(effusionLevel.Sample(ex, ey, ez), -1, 1));
                output[g] = (float)(fluid + noiseSd * StatelessRandom.Gaussian(StatelessRandom.Hash(seed, StreamNoise, g)));
                lesionMask[g] = LesionLabel.Effusion;
                return;
            }
            if (label[p] == 0) return;
            var (x, y, z) = a.Position(g, grid);
            double epsilon = StatelessRandom.Gaussian(StatelessRandom.Hash(seed, StreamNoise, g));
            double original = source[g];
            double value;
            byte kind = label[p];
            if (kind == LesionLabel.Consolidation && options.AirBronchograms
                && lung.Distance[p] >= BronchogramMinimumDepthMm && IsBronchialAir(source, grid, g))
            {
                // Air bronchogram: the bronchus keeps its air while the alveoli around it fill.
                value = original;
                bronchogram[p] = true;
            }
            else if (kind == LesionLabel.Consolidation)
            {
                double level = Math.Clamp(-25 + 45 * consolidationLevel.Sample(x, y, z), -90, 40);
                value = level + noiseSd * epsilon;
            }
            else
            {
                double ramp = SmoothStep(Math.Clamp(margin[p] / EdgeRampWidth, 0, 1));
                double blend = 0.6 + 0.35 * ramp;
                double target = Math.Clamp(-590 + 55 * glassLevel.Sample(x, y, z), -645, -535);
                value = original;
                if (original < target)
                {
                    // Kept noise (1 − b)·σ plus added noise: total variance σ² when the input noise is σ.
                    double addedSd = noiseSd * Math.Sqrt(1 - (1 - blend) * (1 - blend));
                    value = original + blend * (target - original) + addedSd * epsilon;
                }
                if (pavingRegion is not null && pavingCells is not null && pavingRegion.Sample(x, y, z) > 0)
                {
                    kind = LesionLabel.CrazyPaving;
                    // Septa: within 1.2 mm of a Voronoi wall, pull towards −250 HU, fading with the distance.
                    double wall = pavingCells.WallDistance(x, y, z);
                    if (wall < 1.2 && value < -250) value += 0.75 * (1 - wall / 1.2) * (-250 - value);
                }
            }
            output[g] = (float)value;
            lesionMask[g] = kind;
        });

        long glass = 0, paving = 0, consolidation = 0;
        foreach (int g in lung.Global)
        {
            switch (lesionMask[g])
            {
                case LesionLabel.GroundGlass: glass++; break;
                case LesionLabel.CrazyPaving: paving++; break;
                case LesionLabel.Consolidation: consolidation++; break;
            }
        }
        long bronchograms = bronchogram.LongCount(b => b);
        var statistics = new LesionStatistics(n - effusionCount, glass, paving, consolidation, options.AffectedFraction, noiseSd, measured,
            effusionCount, bronchograms);
        var outputMask = lungMask;
        if (effusionCount > 0)
        {
            var without = (byte[])lungMask.Voxels.Clone();
            for (int p = 0; p < n; p++)
                if (effusion[p]) without[lung.Global[p]] = 0;
            outputMask = new Volume<byte>(grid, without);
        }
        return new LesionSimulationResult(new Volume<float>(grid, output), new Volume<byte>(grid, lesionMask), outputMask, statistics);
    }

    /// <summary>
    /// Marks the effusion: a crescent in the dependent pleural space of one or both lungs (seeded), thickest at the
    /// posterior base. A lung voxel is fluid when its distance to the pleura is below T·s, with T the greatest
    /// thickness and s = smoothstep of how posterior it is (over the back 30 % of the lung's depth) times a basal
    /// weight (0.35 at the apex, 1 at the base): fluid layers where gravity puts it in a supine patient.
    /// </summary>
    private static long MarkEffusion(LungVoxels lung, AffineRows a, Grid grid, (double X, double Y, double Z) minimum,
        (double X, double Y, double Z) maximum, bool[] isRight, LesionOptions options, bool[] effusion)
    {
        // Which sides: both (40 %), right only (30 %) or left only (30 %).
        double side = 0.5 + 0.5 * StatelessRandom.Signed(StatelessRandom.Hash(options.Seed, StreamEffusionSide, 0));
        bool right = side < 0.7, left = side < 0.4 || side >= 0.7;
        long count = 0;
        for (int p = 0; p < lung.Count; p++)
        {
            if (isRight[p] ? !right : !left) continue;
            var (_, y, z) = a.Position(lung.Global[p], grid);
            double posterior = (maximum.Y - y) / Math.Max(maximum.Y - minimum.Y, 1e-6);
            double basal = (maximum.Z - z) / Math.Max(maximum.Z - minimum.Z, 1e-6);
            double dependent = SmoothStep(Math.Clamp((posterior - 0.7) / 0.3, 0, 1)) * (0.35 + 0.65 * basal);
            if (lung.Distance[p] < options.EffusionThicknessMm * dependent)
            {
                effusion[p] = true;
                count++;
            }
        }
        return count;
    }

    /// <summary>The voxel and its four in-plane neighbours are all below <see cref="BronchogramAirHu"/>: the lumen of a
    /// bronchus rather than one noisy parenchyma voxel.</summary>
    private static bool IsBronchialAir(float[] source, Grid grid, int g)
    {
        if (source[g] >= BronchogramAirHu) return false;
        int nx = grid.SizeX, plane = nx * grid.SizeY;
        int x = g % nx, y = g % plane / nx;
        if (x == 0 || y == 0 || x == nx - 1 || y == grid.SizeY - 1) return false;
        return source[g - 1] < BronchogramAirHu && source[g + 1] < BronchogramAirHu
            && source[g - nx] < BronchogramAirHu && source[g + nx] < BronchogramAirHu;
    }

    /// <summary>
    /// Splits round(f·N) lesion voxels between the lungs with a seeded asymmetry of up to ±30 %, never more than
    /// 95 % of one lung; whatever one lung cannot take goes to the other.
    /// </summary>
    internal static (long Right, long Left) SplitTarget(double fraction, long rightCount, long leftCount, double asymmetry)
    {
        long total = (long)Math.Round(fraction * (rightCount + leftCount));
        long rightCapacity = (long)(0.95 * rightCount), leftCapacity = (long)(0.95 * leftCount);
        long right = Math.Min((long)Math.Round(fraction * (1 + 0.3 * asymmetry) * rightCount), rightCapacity);
        long left = Math.Min(total - right, leftCapacity);
        right = Math.Min(total - left, rightCapacity);
        return (Math.Max(right, 0), Math.Max(left, 0));
    }

    private static (double Mean, double Sd) MeanAndSd(float[] values)
    {
        // Sequential double sums: the same result on any machine and thread count.
        double sum = 0, sumSquares = 0;
        foreach (float v in values) { sum += v; sumSquares += (double)v * v; }
        double mean = sum / values.Length;
        double variance = sumSquares / values.Length - mean * mean;
        return (mean, Math.Sqrt(Math.Max(variance, 1e-12)));
    }

    private static double SmoothStep(double t) => t * t * (3 - 2 * t);
}
