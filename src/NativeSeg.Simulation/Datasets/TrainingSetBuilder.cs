using NativeSeg.IO;
using NativeSeg.IO.Datasets;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Volumes;
using NativeSeg.Simulation.Files;
using NativeSeg.Simulation.Lesions;
using NativeSeg.Simulation.Phantoms;
using NativeSeg.Simulation.Previews;

namespace NativeSeg.Simulation.Datasets;

/// <summary>
/// Builds the project's training set from the shared data folder (<c>../shared/data</c>):
/// <list type="bullet">
/// <item>every LCTSC case as a normal case (CT and mask referenced in place, never copied);</item>
/// <item>each LCTSC case with simulated COVID-19 at every requested severity and seed (group covid, same patient
/// as the original so patient-level splits keep them together; mask = the original lung mask, lesions included),
/// a share of the training patients' versions with a small effusion and their own mask (<see cref="EffusionRecipe"/>);</item>
/// <item>optionally "hard" COVID-19 versions of each real case (<see cref="HardCaseRecipe"/>), with their own lung
/// mask where a simulated effusion took lung away, and the Chest Imaging Platform CT as one more real patient;</item>
/// <item>normal and COVID-19 phantoms, each its own patient.</item>
/// </list>
/// Layout of the output folder: <c>manifest.json</c>, <c>lctsc-covid/&lt;id&gt;_ct.nii.gz</c>,
/// <c>_lesions.nii.gz</c> (and <c>_lungmask.nii.gz</c> where an effusion took lung away), <c>phantoms/&lt;id&gt;_ct.nii.gz</c>, <c>_lungmask.nii.gz</c>, <c>_lesions.nii.gz</c>,
/// <c>previews/&lt;id&gt;.png</c>. Manifest paths are relative to the output folder.
/// </summary>
public static class TrainingSetBuilder
{
    public const string ManifestFileName = "manifest.json";
    private const ulong NormalPhantomSeedBase = 1000, CovidPhantomSeedBase = 2000;

    public static DatasetManifest Build(string sharedDataFolder, string outputFolder, TrainingSetOptions options)
    {
        ArgumentNullException.ThrowIfNull(sharedDataFolder);
        ArgumentNullException.ThrowIfNull(outputFolder);
        ArgumentNullException.ThrowIfNull(options);
        if (options.NormalPhantoms < 0 || options.CovidPhantoms < 0)
            throw new ArgumentOutOfRangeException(nameof(options), "phantom counts must not be negative");
        if (options.CovidPhantoms > 0 && options.Severities.Count == 0)
            throw new ArgumentException("COVID-19 phantoms need at least one severity.", nameof(options));
        if (!(options.EffusionShare >= 0 && options.EffusionShare <= 1))
            throw new ArgumentOutOfRangeException(nameof(options), options.EffusionShare, "the effusion share must be in [0, 1]");
        string output = Path.GetFullPath(outputFolder);
        Directory.CreateDirectory(output);
        var manifest = new DatasetManifest
        {
            Name = "nativeseg-training",
            Description = $"LCTSC CTs (normal) from {Path.GetFullPath(sharedDataFolder)}, their simulated COVID-19 versions "
                          + $"(severities {string.Join(", ", options.Severities)}; seeds {string.Join(", ", options.Seeds)}), "
                          + (options.EffusionShare > 0 ? FormattableString.Invariant($"small pleural effusions on a share {options.EffusionShare:0.##} of the training patients' versions, ") : "")
                          + $"{options.NormalPhantoms} normal and {options.CovidPhantoms} COVID-19 phantoms. Built by NativeSeg.Simulation.",
            BaseDirectory = output,
        };
        var testPatients = new HashSet<string>(options.TestPatients, StringComparer.Ordinal);
        string? Split(string patient) => testPatients.Contains(patient) ? "test" : null;
        string Relative(string path) => Path.GetRelativePath(output, path);

        var realCases = FindLctscCases(sharedDataFolder, options.Cases).ToList();
        if (options.IncludeCip && FindCip(sharedDataFolder) is { } cip) realCases.Add(cip);
        for (int patientIndex = 0; patientIndex < realCases.Count; patientIndex++)
        {
            var (name, ctPath, maskPath) = realCases[patientIndex];
            manifest.Cases.Add(new DatasetCase
            {
                Id = name, Patient = name, Group = DatasetManifest.GroupNormal, Split = Split(name), Source = "real",
                Ct = Relative(ctPath), Mask = Relative(maskPath),
            });
            var inputs = new RealCaseInputs(ctPath, maskPath);
            bool training = Split(name) is null;
            foreach (var severity in options.Severities)
                foreach (ulong seed in options.Seeds)
                {
                    double effusionMm = training ? EffusionRecipe.ThicknessMm(options.EffusionShare, seed, patientIndex, severity) : 0;
                    // Another name when it has an effusion: a set built without effusions in the same folder is never taken for one with.
                    string id = $"{name}_{severity.ToString().ToLowerInvariant()}_s{seed}" + (effusionMm > 0 ? "_effusion" : "");
                    var lesionOptions = LesionOptions.ForSeverity(severity, seed,
                        crazyPaving: options.CrazyPavingWhenSevere && severity == Severity.Severe) with { EffusionThicknessMm = effusionMm };
                    var files = SimulateVersion(output, id, inputs, lesionOptions, options, result =>
                        $"{result.Statistics.AffectedFraction:P1} of the lung affected, noise SD {result.Statistics.NoiseSd:F1} HU"
                        + (effusionMm > 0 ? FormattableString.Invariant($", effusion up to {effusionMm:F0} mm ({result.Statistics.EffusionVoxels} voxels)") : ""));
                    manifest.Cases.Add(new DatasetCase
                    {
                        Id = id, Patient = name, Group = DatasetManifest.GroupCovid, Split = Split(name), Source = "simulated",
                        Severity = severity.ToString().ToLowerInvariant(),
                        Ct = Relative(files.Ct), Mask = Relative(files.Mask), Lesions = Relative(files.Lesions),
                    });
                }
            for (int k = 1; k <= options.HardCasesPerPatient; k++)
            {
                string id = $"{name}_hard_h{options.HardCaseSeed}_{k:D2}";
                var lesionOptions = HardCaseRecipe.Draw(options.HardCaseSeed, patientIndex, k);
                var files = SimulateVersion(output, id, inputs, lesionOptions, options, result =>
                    $"{HardCaseRecipe.Describe(lesionOptions)}; {result.Statistics.AffectedFraction:P1} affected"
                    + (result.Statistics.EffusionVoxels > 0 ? $", {result.Statistics.EffusionVoxels} effusion voxels" : ""));
                manifest.Cases.Add(new DatasetCase
                {
                    Id = id, Patient = name, Group = DatasetManifest.GroupCovid, Split = Split(name), Source = "simulated",
                    Severity = "hard", Ct = Relative(files.Ct), Mask = Relative(files.Mask), Lesions = Relative(files.Lesions),
                });
            }
        }

        for (int n = 1; n <= options.NormalPhantoms + options.CovidPhantoms; n++)
        {
            bool covid = n > options.NormalPhantoms;
            int index = covid ? n - options.NormalPhantoms : n;
            Severity? severity = covid ? options.Severities[(index - 1) % options.Severities.Count] : null;
            string id = covid ? $"phantom_c{index:D2}_{severity.ToString()!.ToLowerInvariant()}" : $"phantom_n{index:D2}";
            string folder = Path.Combine(output, "phantoms");
            string ctOut = Path.Combine(folder, id + "_ct.nii.gz");
            string maskOut = Path.Combine(folder, id + "_lungmask.nii.gz");
            string? lesionsOut = covid ? Path.Combine(folder, id + "_lesions.nii.gz") : null;
            if (options.Overwrite || !File.Exists(ctOut) || !File.Exists(maskOut) || (lesionsOut is not null && !File.Exists(lesionsOut)))
            {
                Directory.CreateDirectory(folder);
                var phantomOptions = options.PhantomTemplate with
                {
                    Seed = (covid ? CovidPhantomSeedBase : NormalPhantomSeedBase) + (ulong)index,
                    Covid = severity is { } s
                        ? LesionOptions.ForSeverity(s, (ulong)index, crazyPaving: options.CrazyPavingWhenSevere && s == Severity.Severe)
                        : null,
                };
                string? preview = options.Previews ? PreviewPath(output, id) : null;
                PhantomFiles.Write(phantomOptions, ctOut, maskOut, lesionsOut, preview);
                options.Log?.Invoke($"{id}: written");
            }
            manifest.Cases.Add(new DatasetCase
            {
                Id = id, Patient = id, Group = covid ? DatasetManifest.GroupCovid : DatasetManifest.GroupNormal, Split = Split(id),
                Source = "phantom", Severity = severity?.ToString().ToLowerInvariant(),
                Ct = Relative(ctOut), Mask = Relative(maskOut), Lesions = lesionsOut is null ? null : Relative(lesionsOut),
            });
        }

        manifest.Save(Path.Combine(output, ManifestFileName));
        return manifest;
    }

    /// <summary>LCTSC cases under <c>&lt;shared&gt;/lctsc</c>: (name, CT path, lung-mask path), sorted by name.</summary>
    public static IReadOnlyList<(string Name, string Ct, string Mask)> FindLctscCases(string sharedDataFolder, IReadOnlyList<string>? only = null)
    {
        string folder = Path.Combine(Path.GetFullPath(sharedDataFolder), "lctsc");
        if (!Directory.Exists(folder))
            throw new InvalidInputException(folder, "no lctsc folder in the shared data folder.");
        var found = new List<(string, string, string)>();
        foreach (string ct in Directory.GetFiles(folder, "Case_*_ct.nii.gz").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(ct)[..^"_ct.nii.gz".Length];
            string mask = Path.Combine(folder, name + "_lungmask.nii.gz");
            if (!File.Exists(mask) || (only is not null && !only.Contains(name))) continue;
            found.Add((name, ct, mask));
        }
        if (only is not null)
            foreach (string name in only)
                if (!found.Any(f => f.Item1 == name))
                    throw new InvalidInputException(Path.Combine(folder, name + "_ct.nii.gz"), "case not found (CT and lung mask needed).");
        return found;
    }

    /// <summary>The Chest Imaging Platform CT and its whole-lung mask, as the real case "CIP_ct64", when present.</summary>
    public static (string Name, string Ct, string Mask)? FindCip(string sharedDataFolder)
    {
        string folder = Path.Combine(Path.GetFullPath(sharedDataFolder), "cip");
        string ct = Path.Combine(folder, "ct-64.nii.gz"), mask = Path.Combine(folder, "wholeLung-64.nii.gz");
        return File.Exists(ct) && File.Exists(mask) ? ("CIP_ct64", ct, mask) : null;
    }

    /// <summary>A real case's CT and lung mask, read once, and only when one of its versions has to be simulated.</summary>
    private sealed class RealCaseInputs(string ctPath, string maskPath)
    {
        private CtFile? _ct;
        private Volume<byte>? _lungMask;
        public string MaskPath => maskPath;
        public CtFile Ct => _ct ??= CtFile.Read(ctPath);
        public Volume<byte> LungMask => _lungMask ??= VolumeAlignment.OntoGrid(NiftiReader.ReadMask(maskPath), Ct.Ct.Grid, maskPath);
    }

    /// <summary>
    /// One simulated version of a real case in <c>lctsc-covid/</c>, simulated only when its files are missing (a rerun
    /// resumes). Its lung mask is its own where an effusion took lung away, else the real case's mask, referenced in place.
    /// </summary>
    private static (string Ct, string Lesions, string Mask) SimulateVersion(string output, string id, RealCaseInputs inputs,
        LesionOptions lesionOptions, TrainingSetOptions options, Func<LesionSimulationResult, string> describe)
    {
        string folder = Path.Combine(output, "lctsc-covid");
        string ctOut = Path.Combine(folder, id + "_ct.nii.gz");
        string lesionsOut = Path.Combine(folder, id + "_lesions.nii.gz");
        string maskOut = Path.Combine(folder, id + "_lungmask.nii.gz");
        bool ownMask = lesionOptions.EffusionThicknessMm > 0;
        if (options.Overwrite || !File.Exists(ctOut) || !File.Exists(lesionsOut) || (ownMask && !File.Exists(maskOut)))
        {
            Directory.CreateDirectory(folder);
            var result = LesionSimulator.Simulate(inputs.Ct.Ct, inputs.LungMask, lesionOptions);
            inputs.Ct.WriteLike(ctOut, result.Ct);
            NiftiWriter.Write(lesionsOut, result.Lesions, inputs.Ct.Header);
            if (ownMask) NiftiWriter.Write(maskOut, result.LungMask, inputs.Ct.Header);
            if (options.Previews)
                SavePreview(output, id, PreviewRenderer.BeforeAfter(inputs.Ct.Ct, result.Ct, result.LungMask, result.Lesions));
            options.Log?.Invoke($"{id}: {describe(result)}");
        }
        return (ctOut, lesionsOut, ownMask ? maskOut : inputs.MaskPath);
    }

    private static string PreviewPath(string output, string id)
    {
        string folder = Path.Combine(output, "previews");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, id + ".png");
    }

    private static void SavePreview(string output, string id, RgbImage image) => PreviewFile.Save(image, PreviewPath(output, id));
}
