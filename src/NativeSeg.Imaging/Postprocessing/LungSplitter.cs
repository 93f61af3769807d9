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
        var grid = lungs.Grid;
        var orientation = SliceOrientation.FromGrid(grid);
        var components = RunComponents.Find(lungs.Voxels, grid.SizeX, grid.SizeY, grid.SizeZ);
        var result = new Volume<byte>(grid);
        if (components.Count == 0) return result;

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
            components.Paint(result.Voxels, side);
            return result;
        }
        CutAtMidline(lungs, orientation, result);
        return result;
    }

    private static void CutAtMidline(Volume<byte> lungs, SliceOrientation orientation, Volume<byte> result)
    {
        var grid = lungs.Grid;
        int axis = orientation.LeftRightAxis;
        int length = axis == 0 ? grid.SizeX : grid.SizeY;
        // Index increasing towards the patient's right (RAS +x) or left decides which side of the cut is which.
        bool indexTowardsRight = grid.Affine[0, axis] > 0;

        long[] Profile(int zFrom, int zTo)
        {
            var profile = new long[length];
            for (int z = zFrom; z < zTo; z++)
                for (int y = 0; y < grid.SizeY; y++)
                    for (int x = 0; x < grid.SizeX; x++)
                        if (lungs[x, y, z] != 0) profile[axis == 0 ? x : y]++;
            return profile;
        }

        int? Cut(long[] profile)
        {
            int first = Array.FindIndex(profile, v => v > 0), last = Array.FindLastIndex(profile, v => v > 0);
            if (first < 0 || last - first < 4) return null;
            int from = first + (last - first) / 4, to = last - (last - first) / 4;
            int best = from;
            for (int i = from; i <= to; i++) if (profile[i] < profile[best]) best = i;
            return best;
        }

        int globalCut = Cut(Profile(0, grid.SizeZ)) ?? length / 2;
        for (int z = 0; z < grid.SizeZ; z++)
        {
            var sliceProfile = Profile(z, z + 1);
            int cut = globalCut;
            int? local = Cut(sliceProfile);
            // Trust the slice's own cut only where both sides hold lung (a real junction), else the global one.
            if (local is int c && sliceProfile.Take(c).Sum() > 0 && sliceProfile.Skip(c + 1).Sum() > 0 && Math.Abs(c - globalCut) < length / 8) cut = c;
            for (int y = 0; y < grid.SizeY; y++)
                for (int x = 0; x < grid.SizeX; x++)
                {
                    if (lungs[x, y, z] == 0) continue;
                    int position = axis == 0 ? x : y;
                    bool rightSide = indexTowardsRight ? position > cut : position <= cut;
                    result[x, y, z] = rightSide ? RightLung : LeftLung;
                }
        }
    }
}
