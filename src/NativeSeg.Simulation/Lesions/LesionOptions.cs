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

    /// <summary>Multiplies the pull of the lesions (and of consolidation) towards the costal pleura, in [0, 5]; values
    /// above 1 make consolidation that lines the chest wall over long stretches, the pattern a lung segmenter most
    /// easily mistakes for chest wall.</summary>
    public double PleuralEmphasis { get; init; } = 1;

    /// <summary>Multiplies the pull towards posterior (dependent) and basal lung, in [0, 5].</summary>
    public double DependentEmphasis { get; init; } = 1;

    /// <summary>Keep the air of bronchi inside consolidation (air bronchograms): consolidation voxels whose original
    /// density was below <see cref="LesionSimulator.BronchogramAirHu"/> and that lie at least 2 mm from the pleura stay
    /// air-filled.</summary>
    public bool AirBronchograms { get; init; }

    /// <summary>Greatest thickness (mm) of a dependent pleural effusion, 0 for none, at most 60. Effusion replaces the
    /// most posterior, basal lung by fluid (5–25 HU) and is removed from the lung mask: it is not lung
    /// (<see cref="LesionLabel.Effusion"/>; the result's <see cref="LesionSimulationResult.LungMask"/>).</summary>
    public double EffusionThicknessMm { get; init; }

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
        if (!(PleuralEmphasis >= 0 && PleuralEmphasis <= 5))
            throw new ArgumentOutOfRangeException(nameof(PleuralEmphasis), PleuralEmphasis, "the pleural emphasis must be in [0, 5]");
        if (!(DependentEmphasis >= 0 && DependentEmphasis <= 5))
            throw new ArgumentOutOfRangeException(nameof(DependentEmphasis), DependentEmphasis, "the dependent emphasis must be in [0, 5]");
        if (!(EffusionThicknessMm >= 0 && EffusionThicknessMm <= 60))
            throw new ArgumentOutOfRangeException(nameof(EffusionThicknessMm), EffusionThicknessMm, "the effusion thickness must be in [0, 60] mm");
        if (NoiseSd is { } sd && !(sd >= 0 && sd < 500))
            throw new ArgumentOutOfRangeException(nameof(NoiseSd), sd, "the noise SD must be in [0, 500) HU");
    }
}
