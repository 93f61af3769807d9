using NativeSeg.Imaging.Preprocessing;

namespace NativeSeg.Model.Training;

/// <summary>
/// One training example: a prepared network input (Cin×H×W floats, channel-major, row-major, the output of the
/// slice preprocessing) and its label as a class index per pixel (0 = background, 1 = lung, …), from one patient.
/// </summary>
public sealed class TrainingSlice
{
    public TrainingSlice(string patient, float[] input, byte[] labels, int height, int width)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(patient);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(labels);
        int plane = height * width;
        if (height < 1 || width < 1 || labels.Length != plane || input.Length == 0 || input.Length % plane != 0)
            throw new ArgumentException($"A {height}×{width} slice needs {plane} labels and a multiple of {plane} inputs; got {labels.Length} and {input.Length}.");
        Patient = patient;
        Input = input;
        Labels = labels;
        Height = height;
        Width = width;
    }

    /// <summary>Patient identifier: the validation split never separates a patient's slices.</summary>
    public string Patient { get; }

    public float[] Input { get; }

    public byte[] Labels { get; }

    public int Height { get; }

    public int Width { get; }

    public int InputChannels => Input.Length / (Height * Width);
}

/// <summary>A list of slices of one size, with what the network must look like to learn from them.</summary>
public sealed class TrainingSet
{
    public TrainingSet(IReadOnlyList<TrainingSlice> slices, int classes, string description = "")
    {
        ArgumentNullException.ThrowIfNull(slices);
        if (slices.Count == 0)
            throw new ArgumentException("A training set needs at least one slice.", nameof(slices));
        var first = slices[0];
        foreach (var s in slices)
        {
            if (s.Height != first.Height || s.Width != first.Width || s.InputChannels != first.InputChannels)
                throw new ArgumentException($"Every slice must be {first.InputChannels}×{first.Height}×{first.Width}; patient {s.Patient} has a {s.InputChannels}×{s.Height}×{s.Width} slice.");
            foreach (byte label in s.Labels)
                if (label >= classes && label != UncertainPleuralEdges.Uncertain)
                    throw new ArgumentException($"Patient {s.Patient} has label {label}, but there are only {classes} classes.");
        }
        Slices = slices;
        Classes = classes;
        Description = description;
    }

    public IReadOnlyList<TrainingSlice> Slices { get; }

    public int Classes { get; }

    /// <summary>What the data is, for the weights' <c>training_data</c> metadata.</summary>
    public string Description { get; }

    public int Height => Slices[0].Height;

    public int Width => Slices[0].Width;

    public int InputChannels => Slices[0].InputChannels;

    /// <summary>How the slices were prepared: alone, or with neighbours as channels (recorded in the trained weights).</summary>
    public SliceContext SliceContext { get; init; }

    public IReadOnlyList<string> Patients => Slices.Select(s => s.Patient).Distinct(StringComparer.Ordinal).ToList();
}
