using NativeSeg.Imaging.Morphology;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Postprocessing;

/// <summary>
/// Drops, in every axial slice, each 8-connected piece of predicted lung of which less than a given share is aerated
/// (below <see cref="AeratedBelowHu"/>). What a network takes for lung when it fails on tissue it has never seen (the
/// abdomen below the lungs, the body wall) is soft tissue and fat: on the networks of session 20 that took Case_005's
/// abdomen for lung, dropping the pieces less than 5 % aerated raised Dice by 0.10 to 0.32. Most lung keeps some air in
/// its piece of a slice, but not all: fully consolidated pieces, mostly at the lung bases, have none (up to 0.6 % of
/// Case_009's simulated severe lung, up to 6.6 % of a hard case), which is why the guard is off by default
/// (weights/evaluation/aerated-lung-guard/result.txt). Per piece, not per slice, so that a false piece beside real lung
/// in the same slice goes too.
/// </summary>
public static class AeratedLungGuard
{
    /// <summary>
    /// Aerated means below −400 HU: between aerated lung (about −850 HU) and soft tissue (fat about −100 HU, muscle and
    /// consolidation about 0 … +60 HU).
    /// </summary>
    public const float AeratedBelowHu = -400f;

    /// <summary>The share the guard's rule measured (RULE.md there): the setting to use where the guard is wanted.</summary>
    public const double MeasuredMinAeratedShare = 0.05;

    /// <summary>
    /// Zeroes in <paramref name="mask"/> (non-zero = lung, any labels) every per-slice piece whose share of voxels with
    /// <paramref name="ct"/> below <see cref="AeratedBelowHu"/> is less than <paramref name="minAeratedShare"/>;
    /// returns the number of voxels dropped. A share of 0 drops nothing.
    /// </summary>
    public static long DropUnaeratedPieces(Volume<byte> mask, Volume<float> ct, double minAeratedShare)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(ct);
        if (mask.Grid.SizeX != ct.Grid.SizeX || mask.Grid.SizeY != ct.Grid.SizeY || mask.Grid.SizeZ != ct.Grid.SizeZ)
            throw new ArgumentException($"the mask's grid ({mask.Grid.SizeX}×{mask.Grid.SizeY}×{mask.Grid.SizeZ}) is not the CT's ({ct.Grid.SizeX}×{ct.Grid.SizeY}×{ct.Grid.SizeZ}).");
        if (SettingProblem(minAeratedShare) is string problem)
            throw new ArgumentOutOfRangeException(nameof(minAeratedShare), minAeratedShare, $"the minimum aerated share {problem}.");
        if (minAeratedShare == 0) return 0;
        int sizeX = mask.Grid.SizeX, sizeY = mask.Grid.SizeY;
        long dropped = 0;
        for (int z = 0; z < mask.Grid.SizeZ; z++)
            dropped += DropInSlice(mask.Slice(z), ct.Slice(z), sizeX, sizeY, minAeratedShare);
        return dropped;
    }

    /// <summary>Why a minimum aerated share cannot be used (null when it can): a share lies in [0, 1].</summary>
    public static string? SettingProblem(double minAeratedShare) =>
        double.IsNaN(minAeratedShare) || minAeratedShare < 0 || minAeratedShare > 1 ? "must lie between 0 and 1" : null;

    private static long DropInSlice(Span<byte> mask, ReadOnlySpan<float> ct, int sizeX, int sizeY, double minAeratedShare)
    {
        // One slice as a volume of depth 1: 26-connectivity within a single plane is 8-connectivity.
        var pieces = RunComponents.Find(mask, sizeX, sizeY, 1);
        if (pieces.Count == 0) return 0;
        var aerated = new long[pieces.Count + 1];
        var runs = pieces.Runs;
        for (int y = 0; y < sizeY; y++)
            for (int r = runs.RowFirst[y]; r < runs.RowFirst[y + 1]; r++)
            {
                long count = 0;
                foreach (float hu in ct.Slice(y * sizeX + runs.Start[r], runs.End[r] - runs.Start[r]))
                    if (hu < AeratedBelowHu) count++;
                aerated[pieces.LabelOfRun[r]] += count;
            }
        var drop = new bool[pieces.Count + 1];
        long dropped = 0;
        for (int l = 1; l <= pieces.Count; l++)
        {
            // aerated / size < share, without dividing: a piece exactly at the share is kept.
            drop[l] = aerated[l] < minAeratedShare * pieces.Sizes[l - 1];
            if (drop[l]) dropped += pieces.Sizes[l - 1];
        }
        if (dropped > 0) pieces.Clear(mask, drop);
        return dropped;
    }
}
