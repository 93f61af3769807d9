using NativeSeg.Imaging.Morphology;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Postprocessing;

/// <summary>
/// Drops, in every axial slice, each 8-connected piece of predicted lung of which less than a given share is aerated
/// (below <see cref="AeratedBelowHu"/>). Lung keeps some air in a slice even where it is consolidated (air bronchograms,
/// the aerated lung beside a lesion): on Case_009's simulated severe and hard cases (up to 56 % of the lung affected) the
/// shipped file's lung was at least 4 % aerated in every slice that holds reference lung. What a network takes for lung
/// when it fails on tissue it has never seen (the abdomen below the lungs, the body wall, muscle) is soft tissue and fat,
/// far above −400 HU: on the fold of session 20 that took Case_005's abdomen for lung, dropping the pieces less than 5 %
/// aerated raised its Dice from 0.576 to 0.842 (weights/evaluation/aerated-slice-guard/).
/// The guard is per piece, not per slice, so that a false piece beside real lung in the same slice goes too.
/// </summary>
public static class AeratedLungGuard
{
    /// <summary>
    /// Aerated means below −400 HU: between aerated lung (about −850 HU, ground glass −700 … −300 HU at its densest) and
    /// soft tissue (fat −100 HU, muscle and consolidation 0 … +60 HU), so neither blur nor noise moves tissue across it.
    /// </summary>
    public const float AeratedBelowHu = -400f;

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
