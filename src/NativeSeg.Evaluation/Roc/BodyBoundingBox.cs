using NativeSeg.Imaging.Preprocessing;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Evaluation.Roc;

/// <summary>An axis-aligned rectangle of one axial slice, inclusive bounds; <see cref="Empty"/> when the slice has no body.</summary>
public readonly record struct SliceBox(int MinX, int MinY, int MaxX, int MaxY)
{
    public static SliceBox Empty => new(0, 0, -1, -1);
    public bool IsEmpty => MaxX < MinX;
    public long Area => IsEmpty ? 0 : (long)(MaxX - MinX + 1) * (MaxY - MinY + 1);
}

/// <summary>
/// The region the segmenter crops to before inference, per axial slice: the bounding box of the body found by the
/// preprocessing's <see cref="BodyBox"/> (voxels above −500 HU, the largest 8-connected component, which leaves out the
/// table and loose air-filled objects). The voxels that enter the ROC are those inside these boxes, so the ROC is
/// measured on exactly the pixels the network saw. A slice without a body (fewer than
/// <see cref="BodyBox.MinimumBodyPixels"/> pixels above the threshold) contributes no voxels.
/// </summary>
public static class BodyBoundingBox
{
    public const float DefaultThresholdHu = BodyBox.DefaultThresholdHu;

    public static SliceBox[] PerSlice(Volume<float> ct, float thresholdHu = DefaultThresholdHu)
    {
        ArgumentNullException.ThrowIfNull(ct);
        var g = ct.Grid;
        var boxes = new SliceBox[g.SizeZ];
        Parallel.For(0, g.SizeZ, () => new BodyBox(g.SizeX, g.SizeY, thresholdHu), (z, _, finder) =>
        {
            var box = finder.Find(ct.Slice(z));
            boxes[z] = box.HasBody ? new SliceBox(box.Left, box.Top, box.Left + box.Width - 1, box.Top + box.Height - 1) : SliceBox.Empty;
            return finder;
        }, _ => { });
        return boxes;
    }
}
