using NativeSeg.Simulation.Lesions;
using NativeSeg.Simulation.Phantoms;

namespace NativeSeg.Simulation.Datasets;

/// <summary>What <see cref="TrainingSetBuilder.Build"/> puts into the training set.</summary>
public sealed record TrainingSetOptions
{
    /// <summary>LCTSC case names ("Case_000"); null takes every <c>lctsc/Case_*_ct.nii.gz</c> that has a lung mask.</summary>
    public IReadOnlyList<string>? Cases { get; init; }

    /// <summary>Severities simulated for every real case and seed.</summary>
    public IReadOnlyList<Severity> Severities { get; init; } = [Severity.Mild, Severity.Moderate, Severity.Severe];

    /// <summary>Lesion seeds: each real case gets one simulated version per severity and seed.</summary>
    public IReadOnlyList<ulong> Seeds { get; init; } = [1, 2];

    /// <summary>Overlay crazy paving on the severe simulations.</summary>
    public bool CrazyPavingWhenSevere { get; init; } = true;

    /// <summary>Simulated "hard" COVID-19 versions per real case (<see cref="HardCaseRecipe"/>): severe to critical
    /// disease, dense consolidation along the pleura, air bronchograms, effusions. 0 for none.</summary>
    public int HardCasesPerPatient { get; init; }

    /// <summary>Share of the training patients' simulated versions (severities × seeds) that also get a small dependent
    /// pleural effusion (<see cref="EffusionRecipe"/>), removed from their lung mask; 0 for none. Test patients' versions
    /// never do, so their scores stay comparable with sets built without.</summary>
    public double EffusionShare { get; init; }

    /// <summary>Seed of the hard cases' settings and lesions.</summary>
    public ulong HardCaseSeed { get; init; } = 1;

    /// <summary>Add the Chest Imaging Platform CT (<c>cip/ct-64.nii.gz</c> with <c>cip/wholeLung-64.nii.gz</c>) as a
    /// real normal patient, with its own hard cases, when the shared folder has it.</summary>
    public bool IncludeCip { get; init; }

    /// <summary>Number of normal phantoms.</summary>
    public int NormalPhantoms { get; init; } = 4;

    /// <summary>Number of COVID-19 phantoms; their severities cycle through <see cref="Severities"/>.</summary>
    public int CovidPhantoms { get; init; } = 4;

    /// <summary>Size and noise of the phantoms (its seed and disease are set per phantom).</summary>
    public PhantomOptions PhantomTemplate { get; init; } = new() { SizeX = 256, SizeY = 256, SizeZ = 64 };

    /// <summary>Patients (LCTSC case names or phantom ids) whose cases get split "test"; the others get no split,
    /// so the trainer makes its own validation split by patient.</summary>
    public IReadOnlyList<string> TestPatients { get; init; } = [];

    /// <summary>Write a PNG preview per generated case into <c>previews/</c>.</summary>
    public bool Previews { get; init; } = true;

    /// <summary>False: outputs that already exist are kept and not regenerated (a rerun resumes).</summary>
    public bool Overwrite { get; init; }

    /// <summary>Progress messages, one line each.</summary>
    public Action<string>? Log { get; init; }
}
