using NativeSeg.Simulation.Lesions;
using NativeSeg.Simulation.Randomness;

namespace NativeSeg.Simulation.Datasets;

/// <summary>
/// Small dependent pleural effusions on the simulated COVID-19 versions of the training patients
/// (<see cref="TrainingSetOptions.EffusionShare"/>). Fluid lies where dependent consolidation lies, as dense and against
/// the posterior chest wall, but it is not lung: the simulator removes it from the version's lung mask. Without it the
/// only dense dependent tissue beside the lung in a training set is consolidation, labelled lung. (Tried once against
/// Case_005's dependent false positives, session 20: that run took Case_005's abdomen for lung instead, so what it does
/// for dependent tissue is not known; model card.) Which versions get one, and how thick, is a hash of (lesion seed,
/// patient, severity).
/// </summary>
public static class EffusionRecipe
{
    private const ulong Stream = 0x4546; // "EF": its own stream, apart from the simulator's and the hard cases'

    /// <summary>Greatest thickness range, mm: small effusions, as in COVID-19 (the hard cases use the same).</summary>
    public const double MinimumMm = 4, MaximumMm = 15;

    /// <summary>The effusion thickness (mm) of one simulated version, 0 for none; a share of 0 gives none, 1 gives every
    /// version one.</summary>
    public static double ThicknessMm(double share, ulong lesionSeed, int patientIndex, Severity severity)
    {
        if (!(share >= 0 && share <= 1)) throw new ArgumentOutOfRangeException(nameof(share), share, "the effusion share must be in [0, 1]");
        double U(int k) => StatelessRandom.Uniform(StatelessRandom.Hash(lesionSeed, Stream, patientIndex, (long)severity, k));
        return U(0) < share ? MinimumMm + (MaximumMm - MinimumMm) * U(1) : 0;
    }
}
