using NativeSeg.IO.Volumes;

namespace NativeSeg.Simulation.Lesions;

/// <summary>The CT with lesions (same grid and affine as the input), the lesion mask (<see cref="LesionLabel"/>) and the
/// lung mask of the output CT (the input's, less any simulated effusion).</summary>
public sealed class LesionSimulationResult
{
    internal LesionSimulationResult(Volume<float> ct, Volume<byte> lesions, Volume<byte> lungMask, LesionStatistics statistics)
    {
        Ct = ct;
        Lesions = lesions;
        LungMask = lungMask;
        Statistics = statistics;
    }

    public Volume<float> Ct { get; }
    public Volume<byte> Lesions { get; }

    /// <summary>The reference lung mask of <see cref="Ct"/>: the input mask when no effusion was simulated (the same
    /// object), otherwise a copy without the effusion voxels.</summary>
    public Volume<byte> LungMask { get; }

    /// <summary>True when the simulation removed voxels from the lung mask (effusion).</summary>
    public bool LungMaskChanged => Statistics.EffusionVoxels > 0;
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
    bool NoiseMeasured,
    long EffusionVoxels = 0,
    long BronchogramVoxels = 0)
{
    public long LesionVoxels => GroundGlassVoxels + CrazyPavingVoxels + ConsolidationVoxels;

    /// <summary>Lesion voxels over lung-mask voxels (of the input mask; effusion is not a lesion).</summary>
    public double AffectedFraction => LungVoxels == 0 ? 0 : (double)LesionVoxels / LungVoxels;
}
