using NativeSeg.Model.Randomness;

namespace NativeSeg.Model.Training;

/// <summary>
/// The validation hold-out, by patient and never by slice: the patients (sorted by name, then shuffled with the seed)
/// are split so that round(fraction·patients) of them, at least one, are held out, and at least one is left to train on.
/// </summary>
public sealed class PatientSplit
{
    private PatientSplit(IReadOnlyList<string> trainingPatients, IReadOnlyList<string> validationPatients,
        IReadOnlyList<int> trainingSlices, IReadOnlyList<int> validationSlices)
    {
        TrainingPatients = trainingPatients;
        ValidationPatients = validationPatients;
        TrainingSlices = trainingSlices;
        ValidationSlices = validationSlices;
    }

    public IReadOnlyList<string> TrainingPatients { get; }
    public IReadOnlyList<string> ValidationPatients { get; }

    /// <summary>Indices into the training set's slices.</summary>
    public IReadOnlyList<int> TrainingSlices { get; }
    public IReadOnlyList<int> ValidationSlices { get; }

    /// <summary>The split of <paramref name="options"/>: its named validation patients, or its fraction and seed.</summary>
    public static PatientSplit Create(TrainingSet data, TrainerOptions options) =>
        options.ValidationPatients is { Count: > 0 } named
            ? Named(data, named)
            : Create(data, options.ValidationFraction, options.Seed);

    /// <summary>Holds out exactly the named patients (each must be in the data, and one patient must be left).</summary>
    public static PatientSplit Named(TrainingSet data, IReadOnlyList<string> validationPatients)
    {
        var all = new HashSet<string>(data.Patients, StringComparer.Ordinal);
        foreach (string patient in validationPatients)
            if (!all.Contains(patient))
                throw new ArgumentException($"The validation patient '{patient}' is not in the training data ({string.Join(", ", all.Order(StringComparer.Ordinal))}).");
        var validationSet = new HashSet<string>(validationPatients, StringComparer.Ordinal);
        if (validationSet.Count >= all.Count)
            throw new ArgumentException("At least one patient must be left to train on.");
        return Split(data, validationSet);
    }

    public static PatientSplit Create(TrainingSet data, double validationFraction, ulong seed)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must lie strictly between 0 and 1.");
        var patients = data.Patients.OrderBy(p => p, StringComparer.Ordinal).ToList();
        if (patients.Count < 2)
            throw new ArgumentException($"Splitting by patient needs at least two patients; the training data has {patients.Count}.");
        SeededRandom.ForStream(seed, RandomStreams.Split).Shuffle(patients);
        int held = Math.Clamp((int)Math.Round(validationFraction * patients.Count, MidpointRounding.AwayFromZero), 1, patients.Count - 1);
        return Split(data, new HashSet<string>(patients.Take(held), StringComparer.Ordinal));
    }

    private static PatientSplit Split(TrainingSet data, HashSet<string> validationSet)
    {
        var validation = validationSet.OrderBy(p => p, StringComparer.Ordinal).ToList();
        var training = data.Patients.Where(p => !validationSet.Contains(p)).Distinct().OrderBy(p => p, StringComparer.Ordinal).ToList();
        var trainingSlices = new List<int>();
        var validationSlices = new List<int>();
        for (int i = 0; i < data.Slices.Count; i++)
            (validationSet.Contains(data.Slices[i].Patient) ? validationSlices : trainingSlices).Add(i);
        return new PatientSplit(training, validation, trainingSlices, validationSlices);
    }
}

/// <summary>The independent random streams derived from one seed, so that changing one use never shifts another.</summary>
internal static class RandomStreams
{
    public const ulong Split = 1;
    public const ulong Training = 2;
}
