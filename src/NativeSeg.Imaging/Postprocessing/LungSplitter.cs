using NativeSeg.Imaging.Geometry;
using NativeSeg.Imaging.Morphology;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Postprocessing;

/// <summary>
/// Splits a lung mask into right lung = 1 and left lung = 2 (patient's sides; RAS +x is the patient's right).
/// Separate lungs: the two largest 26-connected components, the one whose centroid lies further to the
/// patient's right is the right lung; smaller pieces join whichever of the two centroids is nearer along x.
/// Joined lungs (the second component under <see cref="SeparateFraction"/> of the first): a cut at the
/// thinnest point of the left–right profile within the middle half of the mask's extent, which is where
/// the lungs touch (the anterior or posterior junction line), separately for each axial slice, with the
/// whole-volume profile as the fallback for slices whose lung lies on one side only.
/// </summary>
public static class LungSplitter
{
    public const byte RightLung = 1;
    public const byte LeftLung = 2;
    public const double SeparateFraction = 0.10;

    public static Volume<byte> Split(Volume<byte> lungs)
    {
        ArgumentNullException.ThrowIfNull(lungs);
        var result = new Volume<byte>(lungs.Grid, (byte[])lungs.Voxels.Clone());
        SplitInPlace(result);
        return result;
    }

    /// <summary>As <see cref="Split"/>, relabelling the mask's own voxels: no second full-size volume (on a VM every
    /// fresh page costs a fault, which made up most of the post-processing time).</summary>
    public static void SplitInPlace(Volume<byte> lungs)
    {
        ArgumentNullException.ThrowIfNull(lungs);
        var grid = lungs.Grid;
        var orientation = SliceOrientation.FromGrid(grid);
        var components = RunComponents.Find(lungs.Voxels, grid.SizeX, grid.SizeY, grid.SizeZ);
        if (components.Count == 0) return;

        var order = Enumerable.Range(1, components.Count).OrderByDescending(l => components.Sizes[l - 1]).ToArray();
        var centroids = components.Centroids();
        var centroidX = new double[components.Count + 1];
        for (int l = 1; l <= components.Count; l++)
            centroidX[l] = grid.Affine.Apply(centroids[l].X, centroids[l].Y, centroids[l].Z).X;
        bool separate = order.Length >= 2 && components.Sizes[order[1] - 1] >= SeparateFraction * components.Sizes[order[0] - 1];
        if (separate)
        {
            double first = centroidX[order[0]], second = centroidX[order[1]];
            var side = new byte[components.Count + 1];
            for (int l = 1; l <= components.Count; l++)
            {
                bool nearerFirst = Math.Abs(centroidX[l] - first) <= Math.Abs(centroidX[l] - second);
                bool firstIsRight = first > second;
                side[l] = nearerFirst == firstIsRight ? RightLung : LeftLung;
            }
            components.Paint(lungs.Voxels, side);
            return;
        }
        CutAtMidline(lungs, orientation);
    }

    /// <summary>Relabels the lungs in place: every slice's profile is taken before any voxel is relabelled.</summary>
    private static void CutAtMidline(Volume<byte> lungs, SliceOrientation orientation)
    {
        var grid = lungs.Grid;
        int axis = orientation.LeftRightAxis;
        int length = axis == 0 ? grid.SizeX : grid.SizeY;
        int sliceVoxels = grid.SizeX * grid.SizeY;
        // Index increasing towards the patient's right (RAS +x) or left decides which side of the cut is which:
        // positions up to the cut lie on the side the index runs away from.
        bool indexTowardsRight = grid.Affine[0, axis] > 0;
        byte upToCut = indexTowardsRight ? LeftLung : RightLung;
        byte afterCut = indexTowardsRight ? RightLung : LeftLung;

        // Every slice's profile in one pass over the volume; the whole volume's profile is their sum.
        var profiles = new long[grid.SizeZ][];
        Parallel.For(0, grid.SizeZ, z => profiles[z] = SliceProfile(lungs.Voxels.AsSpan(z * sliceVoxels, sliceVoxels), grid.SizeX, grid.SizeY, axis));
        var volumeProfile = new long[length];
        foreach (var profile in profiles)
            for (int i = 0; i < length; i++) volumeProfile[i] += profile[i];
        int globalCut = Cut(volumeProfile) ?? length / 2;

        Parallel.For(0, grid.SizeZ, z =>
        {
            var sliceProfile = profiles[z];
            int cut = globalCut;
            // Trust the slice's own cut only where both sides hold lung (a real junction), else the global one.
            if (Cut(sliceProfile) is int c && Sum(sliceProfile, 0, c) > 0 && Sum(sliceProfile, c + 1, length) > 0 && Math.Abs(c - globalCut) < length / 8)
                cut = c;
            var slice = lungs.Voxels.AsSpan(z * sliceVoxels, sliceVoxels);
            // Along x a row splits at the cut; along y whole rows lie on one side.
            int split = Math.Clamp(cut + 1, 0, grid.SizeX);
            for (int y = 0; y < grid.SizeY; y++)
            {
                var row = slice.Slice(y * grid.SizeX, grid.SizeX);
                if (axis == 0)
                {
                    Relabel(row[..split], upToCut);
                    Relabel(row[split..], afterCut);
                }
                else
                {
                    Relabel(row, y <= cut ? upToCut : afterCut);
                }
            }
        });
    }

    /// <summary>Lung voxels of one slice per left–right position (x when <paramref name="axis"/> is 0, else y).</summary>
    private static long[] SliceProfile(ReadOnlySpan<byte> slice, int sizeX, int sizeY, int axis)
    {
        var profile = new long[axis == 0 ? sizeX : sizeY];
        for (int y = 0; y < sizeY; y++)
        {
            var row = slice.Slice(y * sizeX, sizeX);
            if (axis == 1)
            {
                profile[y] = sizeX - row.Count((byte)0); // Count is vectorised
                continue;
            }
            for (int x = 0; x < sizeX; x++)
                if (row[x] != 0) profile[x]++;
        }
        return profile;
    }

    /// <summary>The thinnest point of a profile within the middle half of its extent, or null for a profile too short to cut.</summary>
    private static int? Cut(long[] profile)
    {
        int first = Array.FindIndex(profile, v => v > 0), last = Array.FindLastIndex(profile, v => v > 0);
        if (first < 0 || last - first < 4) return null;
        int from = first + (last - first) / 4, to = last - (last - first) / 4;
        int best = from;
        for (int i = from; i <= to; i++) if (profile[i] < profile[best]) best = i;
        return best;
    }

    private static long Sum(long[] profile, int from, int to)
    {
        long sum = 0;
        for (int i = from; i < to; i++) sum += profile[i];
        return sum;
    }

    /// <summary>Gives every lung (non-zero) voxel of <paramref name="voxels"/> the label.</summary>
    private static void Relabel(Span<byte> voxels, byte label)
    {
        for (int i = 0; i < voxels.Length; i++)
            if (voxels[i] != 0) voxels[i] = label;
    }
}
