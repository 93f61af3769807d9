using NativeSeg.Imaging.Morphology;
using NativeSeg.Imaging.Postprocessing;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Tests.Postprocessing;

/// <summary>Connected components, hole filling, the keep rule and the right/left split on hand-made volumes.</summary>
[TestFixture]
public class PostprocessingTests
{
    /// <summary>LAS-like grid: index x runs towards the patient's left (RAS −x), as in LCTSC.</summary>
    private static Volume<byte> Empty(int sx, int sy, int sz) => new(new Grid(sx, sy, sz, Affine.FromSpacing(-1, 1, 1)));

    private static void Box(Volume<byte> v, int x0, int x1, int y0, int y1, int z0, int z1, byte value = 1)
    {
        for (int z = z0; z <= z1; z++)
            for (int y = y0; y <= y1; y++)
                for (int x = x0; x <= x1; x++)
                    v[x, y, z] = value;
    }

    [Test]
    public void DiagonalNeighboursAreConnected()
    {
        var v = Empty(5, 5, 5);
        v[0, 0, 0] = 1;
        v[1, 1, 1] = 1; // corner contact only: 26-connected
        v[4, 4, 4] = 1;
        v[4, 0, 0] = 1;
        var cc = ConnectedComponents3D.Find(v.Voxels, 5, 5, 5);
        Assert.That(cc.Count, Is.EqualTo(3));
        Assert.That(cc.Sizes.OrderDescending(), Is.EqualTo(new long[] { 2, 1, 1 }));
        Assert.That(cc.Labels[v.Grid.Index(0, 0, 0)], Is.EqualTo(cc.Labels[v.Grid.Index(1, 1, 1)]));
        Assert.That(cc.Labels[v.Grid.Index(2, 2, 2)], Is.Zero);
    }

    [Test]
    public void LongSerpentineComponentNeedsNoRecursion()
    {
        // A one-voxel-wide path that snakes through a 200 × 200 × 3 volume: 20,000+ voxels in one chain.
        var v = Empty(200, 200, 3);
        for (int y = 0; y < 200; y += 2)
        {
            for (int x = 0; x < 200; x++) v[x, y, 1] = 1;
            if (y + 1 < 200) v[(y / 2) % 2 == 0 ? 199 : 0, y + 1, 1] = 1;
        }
        var cc = ConnectedComponents3D.Find(v.Voxels, 200, 200, 3);
        Assert.That(cc.Count, Is.EqualTo(1));
        Assert.That(cc.Sizes[0], Is.EqualTo(v.Voxels.Count(b => b != 0)));
    }

    [Test]
    public void EnclosedCavityIsFilledButATunnelToTheBorderIsNot()
    {
        var v = Empty(12, 12, 12);
        Box(v, 1, 10, 1, 10, 1, 10);
        Box(v, 3, 5, 3, 5, 3, 5, 0); // cavity of 27 voxels
        Box(v, 7, 8, 7, 8, 7, 11, 0); // tunnel from the inside to the top border
        long filled = HoleFilling3D.Fill(v.Voxels, 12, 12, 12);
        Assert.That(filled, Is.EqualTo(27));
        Assert.That(v[4, 4, 4], Is.EqualTo(1));
        Assert.That(v[7, 7, 9], Is.EqualTo(0));
    }

    [Test]
    public void DiagonalGapDoesNotOpenAHole()
    {
        // A cavity whose wall has only a diagonal (edge-contact) gap is still enclosed for 6-connected background.
        var v = Empty(7, 7, 7);
        Box(v, 1, 5, 1, 5, 1, 5);
        v[3, 3, 3] = 0;            // cavity voxel
        v[4, 4, 3] = 0;            // touches the cavity only along an edge
        v[5, 5, 3] = 0;            // a notch in the outer wall, open to the outside, diagonal to (4, 4, 3)
        long filled = HoleFilling3D.Fill(v.Voxels, 7, 7, 7);
        Assert.That(filled, Is.EqualTo(2), "cavity and edge-contact voxel are enclosed");
        Assert.That(v[5, 5, 3], Is.Zero, "the notch opens to the outside");
    }

    [Test]
    public void KeepsBothLungsAndDropsSmallBlobs()
    {
        var v = Empty(40, 20, 20);
        Box(v, 2, 13, 2, 17, 2, 17);   // 12·16·16 = 3072 voxels
        Box(v, 20, 27, 2, 17, 2, 17);  // 8·16·16 = 2048 (67% of the largest): kept
        Box(v, 33, 37, 2, 5, 2, 5);    // 5·4·4 = 80 (2.6%): dropped
        var kept = LungPostprocessor.Process(v, new LungPostprocessingOptions { KeepFraction = 0.10, FillHoles = false });
        Assert.That(kept.Voxels.Count(b => b != 0), Is.EqualTo(3072 + 2048));
        Assert.That(kept[35, 3, 3], Is.Zero);
    }

    [Test]
    public void ProbabilitiesBecomeAFilledMask()
    {
        var grid = new Grid(20, 20, 20, Affine.FromSpacing(-1, 1, 1));
        var p = new Volume<float>(grid);
        for (int z = 2; z < 18; z++)
            for (int y = 2; y < 18; y++)
                for (int x = 2; x < 18; x++)
                    p[x, y, z] = 0.9f;
        p[10, 10, 10] = 0.2f; // a hole
        p[0, 0, 0] = 0.7f;    // a speck
        var mask = LungPostprocessor.Process(p);
        Assert.That(mask[10, 10, 10], Is.EqualTo(1));
        Assert.That(mask[0, 0, 0], Is.EqualTo(0));
        Assert.That(mask.Voxels.Count(b => b != 0), Is.EqualTo(16 * 16 * 16));
    }

    [Test]
    public void SeparateLungsSplitByTheirCentroids()
    {
        // x runs towards the patient's left, so the block at small x is the right lung.
        var v = Empty(40, 20, 20);
        Box(v, 2, 15, 2, 17, 2, 17);
        Box(v, 22, 35, 2, 17, 2, 17);
        Box(v, 16, 16, 10, 10, 10, 10); // a stray voxel touching the right block
        var split = LungSplitter.Split(v);
        Assert.That(split[5, 5, 5], Is.EqualTo(LungSplitter.RightLung));
        Assert.That(split[30, 5, 5], Is.EqualTo(LungSplitter.LeftLung));
        Assert.That(split[16, 10, 10], Is.EqualTo(LungSplitter.RightLung));
    }

    [Test]
    public void SplitFollowsTheAffineNotTheIndex()
    {
        // Same voxels on an RAS grid: x now runs towards the patient's right, so sides swap.
        var v = new Volume<byte>(new Grid(40, 20, 20, Affine.FromSpacing(1, 1, 1)));
        Box(v, 2, 15, 2, 17, 2, 17);
        Box(v, 22, 35, 2, 17, 2, 17);
        var split = LungSplitter.Split(v);
        Assert.That(split[5, 5, 5], Is.EqualTo(LungSplitter.LeftLung));
        Assert.That(split[30, 5, 5], Is.EqualTo(LungSplitter.RightLung));
    }

    [Test]
    public void JoinedLungsAreCutAtTheirNarrowestJunction()
    {
        var v = Empty(40, 20, 20);
        Box(v, 2, 17, 2, 17, 2, 17);
        Box(v, 22, 37, 2, 17, 2, 17);
        Box(v, 18, 21, 8, 9, 8, 9); // a thin bridge: one component
        Assert.That(ConnectedComponents3D.Find(v.Voxels, 40, 20, 20).Count, Is.EqualTo(1));
        var split = LungSplitter.Split(v);
        Assert.That(split[5, 5, 5], Is.EqualTo(LungSplitter.RightLung));
        Assert.That(split[17, 5, 5], Is.EqualTo(LungSplitter.RightLung));
        Assert.That(split[22, 5, 5], Is.EqualTo(LungSplitter.LeftLung));
        Assert.That(split[35, 15, 15], Is.EqualTo(LungSplitter.LeftLung));
        Assert.That(split.Voxels.Count(b => b != 0), Is.EqualTo(v.Voxels.Count(b => b != 0)));
    }

    // The midline cut against a plain per-voxel statement of the rule (profile per slice and for the volume, thinnest
    // point in the middle half, the slice's own cut only when both sides hold lung and it is near the volume's), on
    // joined random blobs, with left–right along x or y and the index running either way.
    [TestCase(false, -1, 1)]
    [TestCase(false, 1, 2)]
    [TestCase(true, -1, 3)]
    [TestCase(true, 1, 4)]
    public void MidlineCutMatchesThePerVoxelRule(bool transposed, int sign, int seed)
    {
        var matrix = transposed
            ? new double[,] { { 0, sign, 0, 0 }, { 1, 0, 0, 0 }, { 0, 0, 1, 0 } }
            : new double[,] { { sign, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 1, 0 } };
        int along = 44, across = 23;
        var grid = transposed ? new Grid(across, along, 9, new Affine(matrix)) : new Grid(along, across, 9, new Affine(matrix));
        var v = new Volume<byte>(grid);
        var random = new Random(seed);
        void Set(int lr, int ap, int z) { if (transposed) v[ap, lr, z] = 1; else v[lr, ap, z] = 1; }
        for (int z = 0; z < 9; z++)
            for (int ap = 2; ap < across - 2; ap++)
                for (int lr = 2; lr < along - 2; lr++)
                {
                    bool lung = lr < 19 || lr > 24 || (ap >= 10 && ap <= 12); // two blocks joined by a bridge
                    if (lung && random.NextDouble() < 0.9) Set(lr, ap, z);
                }
        for (int n = 0; n < 40; n++) Set(random.Next(along), random.Next(across), random.Next(9)); // stray voxels
        Assert.That(LungSplitter.Split(v).Voxels, Is.EqualTo(MidlineCutPerVoxel(v, transposed ? 1 : 0)));
    }

    private static byte[] MidlineCutPerVoxel(Volume<byte> lungs, int axis)
    {
        var grid = lungs.Grid;
        int length = axis == 0 ? grid.SizeX : grid.SizeY;
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
            int first = Array.FindIndex(profile, p => p > 0), last = Array.FindLastIndex(profile, p => p > 0);
            if (first < 0 || last - first < 4) return null;
            int from = first + (last - first) / 4, to = last - (last - first) / 4;
            int best = from;
            for (int i = from; i <= to; i++) if (profile[i] < profile[best]) best = i;
            return best;
        }
        var result = new Volume<byte>(grid);
        int globalCut = Cut(Profile(0, grid.SizeZ)) ?? length / 2;
        for (int z = 0; z < grid.SizeZ; z++)
        {
            var sliceProfile = Profile(z, z + 1);
            int cut = globalCut;
            if (Cut(sliceProfile) is int c && sliceProfile.Take(c).Sum() > 0 && sliceProfile.Skip(c + 1).Sum() > 0 && Math.Abs(c - globalCut) < length / 8) cut = c;
            for (int y = 0; y < grid.SizeY; y++)
                for (int x = 0; x < grid.SizeX; x++)
                {
                    if (lungs[x, y, z] == 0) continue;
                    int position = axis == 0 ? x : y;
                    bool rightSide = indexTowardsRight ? position > cut : position <= cut;
                    result[x, y, z] = rightSide ? LungSplitter.RightLung : LungSplitter.LeftLung;
                }
        }
        return result.Voxels;
    }

    [Test]
    public void ProcessingAMaskLeavesTheCallersMaskAsItWas()
    {
        var v = Empty(40, 20, 20);
        Box(v, 2, 17, 2, 17, 2, 17, value: 7);
        Box(v, 22, 37, 2, 17, 2, 17, value: 3);
        v[30, 19, 19] = 5; // a stray voxel the keep rule drops
        var before = (byte[])v.Voxels.Clone();

        var processed = LungPostprocessor.Process(v, new LungPostprocessingOptions { SplitLeftRight = true, FillSliceHoles = true });

        Assert.That(v.Voxels, Is.EqualTo(before));
        Assert.That(processed[30, 19, 19], Is.Zero);
        Assert.That(processed[5, 5, 5], Is.EqualTo(LungSplitter.RightLung));
        Assert.That(processed[30, 5, 5], Is.EqualTo(LungSplitter.LeftLung));
    }

    [Test]
    public void Case009ReferenceMaskSurvivesPostprocessing()
    {
        // The reference lungs are two large components: the keep rule must keep both, and hole filling
        // may only add enclosed voxels (vessels cut out of the contour), never remove any.
        var mask = Case009.Mask;
        var processed = LungPostprocessor.Process(mask);
        long original = 0, kept = 0, added = 0;
        for (int i = 0; i < mask.Voxels.Length; i++)
        {
            bool a = mask.Voxels[i] != 0, b = processed.Voxels[i] != 0;
            if (a) original++;
            if (a && b) kept++;
            if (!a && b) added++;
        }
        TestContext.Out.WriteLine($"Case_009 postprocessing kept {kept} of {original} voxels, filled {added}");
        Assert.That(kept / (double)original, Is.GreaterThan(0.999));
        Assert.That(added / (double)original, Is.LessThan(0.01));
    }

    [Test]
    public void Case009RightLungIsLabelOneOnThePatientsRight()
    {
        var mask = Case009.Mask;
        var split = LungSplitter.Split(mask);
        var grid = mask.Grid;
        double sumX1 = 0, sumX2 = 0;
        long n1 = 0, n2 = 0;
        for (int z = 0, p = 0; z < grid.SizeZ; z++)
            for (int y = 0; y < grid.SizeY; y++)
                for (int x = 0; x < grid.SizeX; x++, p++)
                {
                    if (split.Voxels[p] == 1) { sumX1 += x; n1++; }
                    else if (split.Voxels[p] == 2) { sumX2 += x; n2++; }
                }
        Assert.That(n1 + n2, Is.EqualTo(mask.Voxels.Count(b => b != 0)));
        double rasX1 = grid.Affine.Apply(sumX1 / n1, 0, 0).X, rasX2 = grid.Affine.Apply(sumX2 / n2, 0, 0).X;
        TestContext.Out.WriteLine($"Case_009 right lung {n1} voxels at RAS x {rasX1:F1} mm, left lung {n2} voxels at x {rasX2:F1} mm");
        Assert.That(rasX1, Is.GreaterThan(rasX2), "RAS +x is the patient's right");
        // LCTSC is LAS: index x runs to the patient's left, so the right lung sits at the smaller x indices.
        Assert.That(sumX1 / n1, Is.LessThan(sumX2 / n2));
        Assert.That(n1, Is.GreaterThan(n2), "the right lung (three lobes) is usually the larger");
    }
}
