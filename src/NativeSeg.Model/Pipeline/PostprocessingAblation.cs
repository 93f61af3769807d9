using NativeSeg.Imaging.Geometry;
using NativeSeg.Imaging.Postprocessing;
using NativeSeg.Imaging.Preprocessing;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Model.Pipeline;

/// <summary>The network's probabilities on the axial grid, with what maps them back onto the input's grid.</summary>
internal sealed record AxialPrediction(InputGeometry Geometry, Volume<float> Axial, Volume<float> Probabilities);

/// <summary>
/// One step of the pipeline's post-processing, each adding to the step <see cref="PostprocessingAblation.Before"/> names
/// (the step listed before it, except for <see cref="AeratedGuard"/>); <see cref="Holes3D"/> is what
/// <c>nativeseg segment</c> does by default, <see cref="SliceHoles"/> and <see cref="AeratedGuard"/> its options on top.
/// </summary>
public enum PostprocessingStep
{
    /// <summary>The network alone: probability ≥ threshold.</summary>
    Threshold,
    /// <summary>Nothing outside the body (<see cref="BodyMask"/>).</summary>
    Body,
    /// <summary>Only the lungs' large 26-connected 3D components (<see cref="LungPostprocessingOptions.KeepFraction"/>).</summary>
    Components,
    /// <summary>Holes of the mask filled in 3D (the default output).</summary>
    Holes3D,
    /// <summary>What each lung encloses within an axial slice filled too (<see cref="LungPostprocessingOptions.FillSliceHoles"/>).</summary>
    SliceHoles,
    /// <summary><see cref="Holes3D"/> with the hardly aerated pieces of each slice dropped first (<see cref="AeratedLungGuard"/>), without slice holes.</summary>
    AeratedGuard,
}

/// <summary>
/// The post-processing ablation: the network runs once per CT, then each <see cref="PostprocessingStep"/> is applied
/// in turn, so that what every step adds or removes can be scored on the same probabilities (issue 16: steps that
/// keep lung lesions must not add chest wall or mediastinum, on normal and COVID-19 lungs alike).
/// </summary>
public static class PostprocessingAblation
{
    private static readonly PostprocessingStep[] StepOrder = Enum.GetValues<PostprocessingStep>();

    public static IReadOnlyList<PostprocessingStep> Steps => StepOrder;

    /// <summary>The step that <paramref name="step"/> adds to (what "what the step changed" compares it with); null for the first.</summary>
    public static PostprocessingStep? Before(PostprocessingStep step) => step switch
    {
        PostprocessingStep.Threshold => null,
        PostprocessingStep.AeratedGuard => PostprocessingStep.Holes3D,
        _ => step - 1,
    };

    /// <summary>Where <paramref name="step"/>'s mask lies in <see cref="Run"/>'s result (the order of <see cref="Steps"/>).</summary>
    public static int IndexOf(PostprocessingStep step) => Array.IndexOf(StepOrder, step);

    /// <summary>
    /// One 0/1 mask per <see cref="Steps"/> entry, on <paramref name="ct"/>'s grid. The <see cref="PostprocessingStep.Holes3D"/>
    /// mask is the one <see cref="LungSegmentationPipeline.Run"/> returns with its default options (binarised) while the
    /// guard's default is off, and the <see cref="PostprocessingStep.AeratedGuard"/> mask the one it returns with
    /// <see cref="SegmentationOptions.MinAeratedShare"/> = <paramref name="minAeratedShare"/>.
    /// </summary>
    public static IReadOnlyList<Volume<byte>> Run(LungSegmentationPipeline pipeline, Volume<float> ct, string source,
        int batchSize, float? threshold = null, double minAeratedShare = AeratedLungGuard.MeasuredMinAeratedShare, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        float cut = threshold ?? pipeline.DefaultThreshold;
        if (Weights.WeightsMetadata.ThresholdProblem(cut) is string problem)
            throw new ArgumentOutOfRangeException(nameof(threshold), cut, $"the threshold {problem}.");
        if (AeratedLungGuard.SettingProblem(minAeratedShare) is string shareProblem)
            throw new ArgumentOutOfRangeException(nameof(minAeratedShare), minAeratedShare, $"the minimum aerated share {shareProblem}.");
        var prediction = pipeline.PredictOnAxialGrid(ct, source, batchSize, cancellation);
        var thresholded = LungPostprocessor.Threshold(prediction.Probabilities, cut);
        var inBody = new Volume<byte>(thresholded.Grid, (byte[])thresholded.Voxels.Clone());
        BodyMask.ZeroOutside(prediction.Axial, inBody);
        var masks = new List<Volume<byte>>(Steps.Count);
        foreach (var step in Steps)
        {
            var mask = step switch
            {
                PostprocessingStep.Threshold => thresholded,
                PostprocessingStep.Body => inBody,
                PostprocessingStep.Components => LungPostprocessor.Process(inBody, new LungPostprocessingOptions { FillHoles = false }),
                PostprocessingStep.Holes3D => LungPostprocessor.Process(inBody, new LungPostprocessingOptions()),
                PostprocessingStep.SliceHoles => LungPostprocessor.Process(inBody, new LungPostprocessingOptions { FillSliceHoles = true }),
                PostprocessingStep.AeratedGuard => LungPostprocessor.Process(inBody, new LungPostprocessingOptions { MinAeratedShare = minAeratedShare }, prediction.Axial),
                _ => throw new InvalidOperationException($"no rule for the step {step}."),
            };
            masks.Add(prediction.Geometry.ToInputGrid(mask));
        }
        return masks;
    }
}
