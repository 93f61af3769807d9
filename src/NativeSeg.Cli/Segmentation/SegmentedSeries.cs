using NativeSeg.Imaging.Statistics;
using NativeSeg.IO.Volumes;
using NativeSeg.Model.Pipeline;

namespace NativeSeg.Cli.Segmentation;

/// <summary>One segmented CT: the pipeline's result with right (1) and left (2) lung, and its statistics.</summary>
public sealed record SegmentedSeries(CtInput Input, SegmentationResult Result, IReadOnlyList<LabelStatistics> Statistics)
{
    public Volume<byte> RightLeft => Result.Mask;

    /// <summary>The mask as written: right 1 and left 2 with <c>--labels lr</c>, else both lungs 1.</summary>
    public Volume<byte> OutputMask(bool splitLeftRight)
    {
        if (splitLeftRight) return RightLeft;
        var binary = new Volume<byte>(RightLeft.Grid);
        var source = RightLeft.Voxels;
        for (int i = 0; i < source.Length; i++) binary.Voxels[i] = source[i] != 0 ? (byte)1 : (byte)0;
        return binary;
    }
}
