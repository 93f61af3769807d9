namespace NativeSeg.Model.Pipeline;

/// <summary>How a CT volume is segmented (the options of <c>nativeseg segment</c>).</summary>
public sealed record SegmentationOptions
{
    /// <summary>Slices per forward pass; null takes <see cref="DefaultBatchSize"/> for the backend.</summary>
    public int? BatchSize { get; init; }

    /// <summary>
    /// 1 on <c>cpu</c>, 8 elsewhere. On the cpu backend one slice already keeps every core busy (the convolutions
    /// split their rows), so a larger batch buys no speed and only memory: Case_009 peaks at 0.96 GB resident with
    /// batch 1 against 1.75 GB with batch 8, the same mask (benchmarks/RESULTS.md). A GPU wants whole batches.
    /// </summary>
    public static int DefaultBatchSize(NativeSeg.Engine.IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        return backend.Name == "cpu" ? 1 : 8;
    }

    /// <summary>Keep the lungs' largest 3D components and fill holes (lungmask's behaviour). Off: plain threshold.</summary>
    public bool Postprocess { get; init; } = true;

    /// <summary>Label the right lung 1 and the left lung 2 instead of 1 for both.</summary>
    public bool SplitLeftRight { get; init; }

    /// <summary>
    /// Treat an empty mask as an error with its likely cause (the input checks' findings). A study that must score
    /// every case (reproduce) turns this off, so an empty prediction counts as a failure in the metrics instead.
    /// </summary>
    public bool RefuseEmptyMask { get; init; } = true;

    /// <summary>
    /// Return the probability map (<see cref="SegmentationResult.Probabilities"/>). Off: with post-processing on, the
    /// map is thresholded while it is resampled onto the CT grid and never held as floats (the same mask; a fresh
    /// 120 MB float volume for a 512 × 512 × 117 CT is a third of a second of page faults on a VM).
    /// </summary>
    public bool KeepProbabilities { get; init; } = true;

    /// <summary>
    /// Where no probability map is returned (post-processing on, <see cref="KeepProbabilities"/> off), run the network
    /// outward from the middle slice and stop at each end of the lungs (<see cref="LungExtentPrediction"/>) instead of
    /// over every slice: the same mask, without the network time of the neck and abdomen.
    /// </summary>
    public bool StopAtLungEnds { get; init; } = true;

    /// <summary>
    /// Probability at or above which a voxel is lung, strictly between 0 and 1; null: the weights' own
    /// (<see cref="Weights.WeightsMetadata.DecisionThreshold"/>), 0.5 for a file that names none.
    /// </summary>
    public float? Threshold { get; init; }

    /// <summary>
    /// With post-processing on, drop each piece of lung in an axial slice of which less than this share is aerated
    /// (<see cref="NativeSeg.Imaging.Postprocessing.AeratedLungGuard"/>); 0 turns the guard off.
    /// </summary>
    public double MinAeratedShare { get; init; } = DefaultMinAeratedShare;

    /// <summary>The guard's default share (weights/evaluation/aerated-lung-guard/RULE.md decides it).</summary>
    public const double DefaultMinAeratedShare = 0;
}
