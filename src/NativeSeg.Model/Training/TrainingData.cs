using NativeSeg.Imaging.Geometry;
using NativeSeg.Imaging.Preprocessing;
using NativeSeg.IO;
using NativeSeg.IO.Datasets;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Model.Training;

/// <summary>
/// Builds a <see cref="TrainingSet"/> from a dataset manifest of NIfTI CT + lung-mask cases: each CT goes through
/// <see cref="SlicePreprocessor.Prepare"/> (body crop, 296×216 resize, HU window) and its mask through
/// <see cref="PreparedVolume.PrepareLabels"/>, so training sees exactly what inference will see. Cases without a
/// mask or with split "test" are left out. By default only slices whose label contains lung are kept: the paper
/// trained on the lung's extent, and empty slices would swamp the lung class. A few slices without lung per case
/// (<c>lungFreeSlicesPerCase</c>: the neck, the upper abdomen) show the network what it otherwise never sees in
/// training and always meets in a real series: fat and muscle with no lung anywhere in the slice; int.MaxValue keeps
/// every slice.
/// </summary>
public static class TrainingData
{
    public static TrainingSet Load(string manifestPath, Action<string>? log = null, int uncertainEdgeRadius = 0,
        SliceContext sliceContext = default, int lungFreeSlicesPerCase = 0) =>
        Load(DatasetManifest.Load(manifestPath), log, uncertainEdgeRadius, sliceContext, lungFreeSlicesPerCase);

    /// <param name="uncertainEdgeRadius">
    /// If above 0, label the lung's edge as uncertain within this many pixels where the lung beside it is dense
    /// (<see cref="UncertainPleuralEdges"/>); 0 keeps the hard labels.
    /// </param>
    /// <param name="sliceContext">Neighbouring slices as channels 2 and 3 (<see cref="SliceContext"/>); none by default.</param>
    /// <param name="lungFreeSlicesPerCase">
    /// Also keep up to this many slices without lung per case, spread evenly over the case's lung-free slices
    /// (<see cref="SpreadEvenly"/>); 0 keeps none (the paper), int.MaxValue all of them.
    /// </param>
    public static TrainingSet Load(DatasetManifest manifest, Action<string>? log = null,
        int uncertainEdgeRadius = 0, SliceContext sliceContext = default, int lungFreeSlicesPerCase = 0)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentOutOfRangeException.ThrowIfNegative(lungFreeSlicesPerCase);
        var slices = new List<TrainingSlice>();
        var used = new List<string>();
        int lungFreeTotal = 0;
        foreach (var entry in manifest.Cases)
        {
            if (string.IsNullOrWhiteSpace(entry.Mask) || string.Equals(entry.Split, "test", StringComparison.OrdinalIgnoreCase))
                continue;
            string ctPath = manifest.Resolve(entry.Ct), maskPath = manifest.Resolve(entry.Mask);
            var ct = CtReader.Read(ctPath);
            // A DICOM series and its dcm2niix mask hold the same voxels in another row order: reorder, never resample.
            var mask = VolumeAlignment.OntoGrid(NiftiReader.ReadMask(maskPath), ct.Grid, maskPath);
            // Slices are taken in the axial order whatever the stored one (sagittal-first, coronal …), as segment does.
            var reorientation = AxialReorientation.For(ct.Grid, ctPath);
            ct = reorientation.ToAxial(ct);
            mask = reorientation.ToAxial(mask);
            var prepared = SlicePreprocessor.Prepare(ct, ctPath, sliceContext);
            float[] labels;
            try
            {
                labels = prepared.PrepareLabels(mask);
            }
            catch (ArgumentException e)
            {
                throw new InvalidInputException(maskPath, $"the mask does not fit its CT {ctPath}: {e.Message}", e);
            }
            var hasLung = new bool[prepared.Slices];
            for (int n = 0; n < prepared.Slices; n++)
                hasLung[n] = labels.AsSpan(n * PreparedVolume.SliceValues, PreparedVolume.SliceValues).IndexOfAnyExceptInRange(float.NegativeInfinity, 0.5f) >= 0;
            var lungFree = Enumerable.Range(0, prepared.Slices).Where(n => !hasLung[n]).ToList();
            var lungFreeKept = new HashSet<int>(SpreadEvenly(lungFree, lungFreeSlicesPerCase));
            lungFreeTotal += lungFreeKept.Count;
            int kept = 0;
            long uncertain = 0;
            for (int n = 0; n < prepared.Slices; n++)
            {
                if (!hasLung[n] && !lungFreeKept.Contains(n)) continue;
                var label = new byte[PreparedVolume.SliceValues];
                for (int i = 0; i < label.Length; i++)
                    label[i] = labels[(long)n * PreparedVolume.SliceValues + i] > 0.5f ? (byte)1 : (byte)0;
                var input = prepared.InputOf(n, 1).ToArray();   // the slice first, then any neighbours
                uncertain += UncertainPleuralEdges.Mark(label, input, PreparedVolume.Height, PreparedVolume.Width, uncertainEdgeRadius);
                slices.Add(new TrainingSlice(entry.Patient, input, label, PreparedVolume.Height, PreparedVolume.Width));
                kept++;
            }
            used.Add(entry.Id);
            log?.Invoke($"{entry.Id} (patient {entry.Patient}): {kept} of {prepared.Slices} slices" +
                (lungFreeKept.Count > 0 ? $" ({lungFreeKept.Count} of them without lung)" : "") +
                (uncertainEdgeRadius > 0 ? $", {uncertain} pixels at dense edges labelled uncertain" : ""));
        }
        if (slices.Count == 0)
            throw new InvalidInputException(manifest.BaseDirectory, "the manifest has no training case with a mask (and lung in it).");
        string description = $"{(string.IsNullOrEmpty(manifest.Name) ? "dataset" : manifest.Name)}: {used.Count} cases ({string.Join(", ", used)}), {slices.Count} slices";
        // Everything that changes which slices or labels a run sees is named here: Trainer.Resume compares it.
        if (lungFreeTotal > 0) description += $" ({lungFreeTotal} without lung)";
        if (uncertainEdgeRadius > 0) description += $"; lung edges at dense lung uncertain within {uncertainEdgeRadius} px";
        if (sliceContext.IsEnabled) description += $"; input: {sliceContext}";
        return new TrainingSet(slices, 2, description) { SliceContext = sliceContext };
    }

    /// <summary>Up to <paramref name="count"/> of <paramref name="items"/>, evenly spaced: the middle item of each of
    /// <paramref name="count"/> equal runs, so both ends of a series (neck and abdomen) are drawn from.</summary>
    public static IReadOnlyList<int> SpreadEvenly(IReadOnlyList<int> items, int count)
    {
        if (count >= items.Count) return items;
        return [.. Enumerable.Range(0, count).Select(k => items[(int)((2L * k + 1) * items.Count / (2L * count))])];
    }
}
