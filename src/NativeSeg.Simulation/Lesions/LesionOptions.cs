namespace NativeSeg.Simulation.Lesions;

/// <summary>What to simulate. Build from a severity with <see cref="ForSeverity"/> or set the fraction directly.</summary>
public sealed record LesionOptions
{
    /// <summary>Share of the lung-mask volume that becomes lesion, in (0, 0.9].</summary>
    public double AffectedFraction { get; init; } = Severity.Moderate.AffectedFraction();

    /// <summary>Share of the lesion volume that is consolidation, in [0, 1); the rest is ground glass.
    /// Consolidation components that do not reach the pleura are turned back into ground glass, so the final share
    /// can be somewhat lower.</summary>
    public double ConsolidationShare { get; init; } = Severity.Moderate.ConsolidationShare();

    /// <summary>Overlay crazy paving on part of the ground glass (label <see cref="LesionLabel.CrazyPaving"/>).</summary>
    public bool CrazyPaving { get; init; }

    /// <summary>Standard deviation (HU) of the noise added to lesions; null measures it in the input
    /// (<see cref="NoiseEstimator"/>).</summary>
    public double? NoiseSd { get; init; }

    /// <summary>Seed: the same input, options and seed give the same bytes.</summary>
    public ulong Seed { get; init; } = 1;

    public static LesionOptions ForSeverity(Severity severity, ulong seed = 1, bool crazyPaving = false) => new()
    {
        AffectedFraction = severity.AffectedFraction(),
        ConsolidationShare = severity.ConsolidationShare(),
        CrazyPaving = crazyPaving,
        Seed = seed,
    };

    internal void Validate()
    {
        if (!(AffectedFraction > 0 && AffectedFraction <= 0.9))
            throw new ArgumentOutOfRangeException(nameof(AffectedFraction), AffectedFraction, "the affected fraction must be in (0, 0.9]");
        if (!(ConsolidationShare >= 0 && ConsolidationShare < 1))
            throw new ArgumentOutOfRangeException(nameof(ConsolidationShare), ConsolidationShare, "the consolidation share must be in [0, 1)");
        if (NoiseSd is { } sd && !(sd >= 0 && sd < 500))
            throw new ArgumentOutOfRangeException(nameof(NoiseSd), sd, "the noise SD must be in [0, 500) HU");
    }
}
