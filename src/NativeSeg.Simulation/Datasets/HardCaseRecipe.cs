using NativeSeg.Simulation.Lesions;
using NativeSeg.Simulation.Randomness;

namespace NativeSeg.Simulation.Datasets;

/// <summary>
/// The lesion settings of the "hard" simulated cases: the configurations that a model which has learned "dense means
/// chest wall" gets wrong. Each is drawn from a hash of (seed, patient index, case index), so a training set is
/// rebuilt byte for byte. Ranges and why:
/// <list type="bullet">
/// <item>affected fraction 20–60 % of the lung (severe and critical disease; the independent evaluation uses 35 %);</item>
/// <item>consolidation share 35–75 % of the lesions (dense disease, where whole lobes consolidate);</item>
/// <item>pleural emphasis 1.5–3.5 (consolidation lining the costal pleura over long stretches) and dependent emphasis
/// 1–3 (posterior and basal consolidation);</item>
/// <item>air bronchograms in 70 % of the cases, crazy paving in 50 %;</item>
/// <item>a small dependent pleural effusion of 4–15 mm in 30 % of the cases (fluid beside consolidation that is not
/// lung; effusions are uncommon and small in COVID-19).</item>
/// </list>
/// </summary>
public static class HardCaseRecipe
{
    private const ulong Stream = 0x4A52; // "HR": its own stream, apart from every simulator stream

    public static LesionOptions Draw(ulong seed, int patientIndex, int caseIndex)
    {
        double U(int k) => StatelessRandom.Uniform(StatelessRandom.Hash(seed, Stream, patientIndex, caseIndex, k));
        bool effusion = U(6) < 0.30;
        return new LesionOptions
        {
            AffectedFraction = 0.20 + 0.40 * U(0),
            ConsolidationShare = 0.35 + 0.40 * U(1),
            PleuralEmphasis = 1.5 + 2.0 * U(2),
            DependentEmphasis = 1.0 + 2.0 * U(3),
            AirBronchograms = U(4) < 0.7,
            CrazyPaving = U(5) < 0.5,
            EffusionThicknessMm = effusion ? EffusionRecipe.MinimumMm + (EffusionRecipe.MaximumMm - EffusionRecipe.MinimumMm) * U(7) : 0,
            Seed = StatelessRandom.Hash(seed, Stream, patientIndex, caseIndex, 100),
        };
    }

    /// <summary>One line for logs and manifests.</summary>
    public static string Describe(LesionOptions o) =>
        FormattableString.Invariant($"fraction {o.AffectedFraction:F2}, consolidation {o.ConsolidationShare:F2}, pleural ×{o.PleuralEmphasis:F1}, dependent ×{o.DependentEmphasis:F1}")
        + (o.AirBronchograms ? ", air bronchograms" : "") + (o.CrazyPaving ? ", crazy paving" : "")
        + (o.EffusionThicknessMm > 0 ? FormattableString.Invariant($", effusion {o.EffusionThicknessMm:F0} mm") : "");
}
