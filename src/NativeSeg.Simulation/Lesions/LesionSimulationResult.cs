using NativeSeg.IO.Volumes;

namespace NativeSeg.Simulation.Lesions;

/// <summary>The CT with lesions (same grid and affine as the input) and the lesion mask (<see cref="LesionLabel"/>).</summary>
public sealed class LesionSimulationResult
{
    internal LesionSimulationResult(Volume<float> ct, Volume<byte> lesions, LesionStatistics statistics)
    {
        Ct = ct;
        Lesions = lesions;
        Statistics = statistics;
    }

    public Volume<float> Ct { get; }
    public Volume<byte> Lesions { get; }
    public LesionStatistics Statistics { get; }
}

/// <summary>Counts and settings of one simulation, for reports and manifests.</summary>
public sealed record LesionStatistics(
    long LungVoxels,
    long GroundGlassVoxels,
    long CrazyPavingVoxels,
    long ConsolidationVoxels,
    double RequestedFraction,
    double NoiseSd,
    bool NoiseMeasured)
{
    public long LesionVoxels => GroundGlassVoxels + CrazyPavingVoxels + ConsolidationVoxels;

    /// <summary>Lesion voxels over lung-mask voxels.</summary>
    public double AffectedFraction => LungVoxels == 0 ? 0 : (double)LesionVoxels / LungVoxels;
}
