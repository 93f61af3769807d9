using NativeSeg.Imaging.Postprocessing;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Tests.Postprocessing;

/// <summary>
/// The aerated-lung guard: per-slice 8-connected pieces, the share rule at its boundary, against a plain flood-fill
/// reference on random masks, and on Case_009's real CT (its reference lung kept, a block of abdomen dropped).
/// </summary>
[TestFixture]
public class AeratedLungGuardTests
{
    private const float AeratedLung = -850f;
    private const float SoftTissue = 30f;

    private static Grid SmallGrid(int sx, int sy, int sz) => new(sx, sy, sz, Affine.FromSpacing(1, 1, 1));

    private static (Volume<byte> Mask, Volume<float> Ct) Empty(int sx, int sy, int sz)
    {
        var ct = new Volume<float>(SmallGrid(sx, sy, sz));
        Array.Fill(ct.Voxels, SoftTissue);
        return (new Volume<byte>(SmallGrid(sx, sy, sz)), ct);
    }

    [Test]
    public void DropsADensePieceAndKeepsAnAeratedOneInTheSameSlice()
    {
        var (mask, ct) = Empty(12, 6, 1);
        for (int y = 1; y < 5; y++)
        {
            for (int x = 1; x < 4; x++) { mask[x, y, 0] = 1; ct[x, y, 0] = AeratedLung; }
            for (int x = 7; x < 11; x++) mask[x, y, 0] = 2; // any non-zero label is lung
        }
        long dropped = AeratedLungGuard.DropUnaeratedPieces(mask, ct, 0.05);
        Assert.That(dropped, Is.EqualTo(16));
        Assert.That(mask[2, 2, 0], Is.EqualTo(1));
        Assert.That(mask[8, 2, 0], Is.Zero);
    }

    [Test]
    public void AShareExactlyAtTheMinimumIsKeptAndJustBelowIsDropped()
    {
        // 0.25 is exact in binary: 1 aerated voxel of 4 is at the share, 1 of 5 below it.
        var (mask, ct) = Empty(16, 3, 1);
        for (int x = 0; x < 4; x++) mask[x, 1, 0] = 1;
        for (int x = 8; x < 13; x++) mask[x, 1, 0] = 1;
        ct[0, 1, 0] = AeratedLung;
        ct[8, 1, 0] = AeratedLung;
        AeratedLungGuard.DropUnaeratedPieces(mask, ct, 0.25);
        Assert.That(mask[3, 1, 0], Is.EqualTo(1), "1 of 4 is a share of 0.25: kept");
        Assert.That(mask[12, 1, 0], Is.Zero, "1 of 5 is below 0.25: dropped");
    }

    [Test]
    public void MinusFourHundredIsNotAerated()
    {
        var (mask, ct) = Empty(4, 1, 1);
        for (int x = 0; x < 4; x++) { mask[x, 0, 0] = 1; ct[x, 0, 0] = AeratedLungGuard.AeratedBelowHu; }
        Assert.That(AeratedLungGuard.DropUnaeratedPieces(mask, ct, 0.05), Is.EqualTo(4));
        ct[0, 0, 0] = MathF.BitDecrement(AeratedLungGuard.AeratedBelowHu);
        for (int x = 0; x < 4; x++) mask[x, 0, 0] = 1;
        Assert.That(AeratedLungGuard.DropUnaeratedPieces(mask, ct, 0.05), Is.Zero);
    }

    [Test]
    public void DiagonalContactJoinsPiecesWithinASliceButAnotherSliceDoesNot()
    {
        var (mask, ct) = Empty(6, 6, 2);
        // Slice 0: an aerated voxel touching a dense 2-voxel run only at a corner — one 8-connected piece, 1 of 3 aerated.
        mask[0, 0, 0] = 1; ct[0, 0, 0] = AeratedLung;
        mask[1, 1, 0] = 1; mask[2, 1, 0] = 1;
        // Slice 1, right above slice 0's dense run: dense only, with no aerated voxel of its own slice.
        mask[1, 1, 1] = 1; mask[2, 1, 1] = 1;
        AeratedLungGuard.DropUnaeratedPieces(mask, ct, 0.3);
        Assert.That(mask[1, 1, 0], Is.EqualTo(1), "the corner neighbour's air counts for the piece");
        Assert.That(mask[1, 1, 1], Is.Zero, "air in the slice below does not");
    }

    [Test]
    public void AShareOfZeroDropsNothingAndAShareOutsideZeroToOneIsRefused()
    {
        var (mask, ct) = Empty(3, 3, 1);
        mask[1, 1, 0] = 1;
        Assert.That(AeratedLungGuard.DropUnaeratedPieces(mask, ct, 0), Is.Zero);
        Assert.That(mask[1, 1, 0], Is.EqualTo(1));
        foreach (double share in new[] { -0.01, 1.01, double.NaN })
            Assert.Throws<ArgumentOutOfRangeException>(() => AeratedLungGuard.DropUnaeratedPieces(mask, ct, share));
        var otherGrid = new Volume<float>(SmallGrid(3, 3, 2));
        Assert.Throws<ArgumentException>(() => AeratedLungGuard.DropUnaeratedPieces(mask, otherGrid, 0.05));
    }

    [TestCase(1, 0.05)]
    [TestCase(2, 0.2)]
    [TestCase(3, 0.5)]
    [TestCase(4, 1.0)]
    public void MatchesAFloodFillReferenceOnRandomVolumes(int seed, double share)
    {
        var random = new Random(seed);
        var (mask, ct) = Empty(37, 29, 5);
        for (int i = 0; i < mask.Voxels.Length; i++)
        {
            mask.Voxels[i] = random.NextDouble() < 0.45 ? (byte)random.Next(1, 3) : (byte)0;
            ct.Voxels[i] = random.NextDouble() < 0.15 ? -1000f + 590f * random.NextSingle() : -390f + 500f * random.NextSingle();
        }
        var expected = FloodFillReference(mask, ct, share);
        long dropped = AeratedLungGuard.DropUnaeratedPieces(mask, ct, share);
        Assert.That(mask.Voxels, Is.EqualTo(expected));
        Assert.That(dropped, Is.GreaterThan(0), "the random volume has pieces below the share");
    }

    [Test]
    public void ThePostprocessorRunsTheGuardBeforeKeepingComponentsAndNeedsTheCt()
    {
        // Aerated lung in three slices; a small pocket of gas (stomach or bowel) joined to it in 3D only through a
        // dense bridge in the middle slice, a piece of its own there. Without the guard the three are one 3D component
        // and the gas stays; with the guard first, the bridge goes, and the gas is a small component of its own.
        var (mask, ct) = Empty(40, 20, 3);
        for (int z = 0; z < 3; z++)
            for (int y = 2; y < 18; y++)
                for (int x = 2; x < (z == 1 ? 16 : 18); x++) { mask[x, y, z] = 1; ct[x, y, z] = AeratedLung; }
        for (int x = 17; x < 25; x++) mask[x, 9, 1] = 1; // the bridge: touches the lung and the gas only across slices
        foreach (int z in new[] { 0, 2 })
            for (int y = 8; y < 12; y++)
                for (int x = 25; x < 29; x++) { mask[x, y, z] = 1; ct[x, y, z] = -990f; }
        int lung = 2 * 16 * 16 + 16 * 14;

        var options = new LungPostprocessingOptions { MinAeratedShare = 0.05 };
        Assert.Throws<ArgumentException>(() => LungPostprocessor.Process(mask, options));
        var guarded = LungPostprocessor.Process(mask, options, ct);
        var unguarded = LungPostprocessor.Process(mask, new LungPostprocessingOptions());

        Assert.That(unguarded[26, 10, 0], Is.EqualTo(1), "without the guard the gas is part of the lung's component");
        Assert.That(guarded[26, 10, 0] + guarded[26, 10, 2] + guarded[20, 9, 1], Is.Zero, "with it the bridge and the gas go");
        Assert.That(guarded.Voxels.Count(v => v != 0), Is.EqualTo(lung), "the lung stays whole");
    }

    [Test]
    public void OnCase009TheReferenceLungStaysAndABlockOfAbdomenGoes()
    {
        var ct = Case009.Ct;
        var mask = new Volume<byte>(Case009.Mask.Grid, (byte[])Case009.Mask.Voxels.Clone());
        long lung = mask.Voxels.LongCount(v => v != 0);
        // The lowest slice with lung: the slices below it are abdomen. A block of them in the body's middle
        // (soft tissue, fat and bowel) is what a failed network takes for lung.
        int lowest = Enumerable.Range(0, ct.Grid.SizeZ).First(z => mask.Slice(z).ContainsAnyExcept((byte)0));
        Assert.That(lowest, Is.GreaterThanOrEqualTo(6), "Case_009 has abdomen below its lungs");
        var g = ct.Grid;
        var falseBlock = new List<int>();
        for (int z = 0; z < lowest; z++)
            for (int y = g.SizeY / 2 - 40; y < g.SizeY / 2 + 40; y++)
                for (int x = g.SizeX / 2 - 60; x < g.SizeX / 2 + 60; x++)
                {
                    mask[x, y, z] = 1;
                    falseBlock.Add(g.Index(x, y, z));
                }

        AeratedLungGuard.DropUnaeratedPieces(mask, ct, 0.05);

        Assert.That(falseBlock.Count(i => mask.Voxels[i] != 0), Is.Zero, "the abdomen block is hardly aerated");
        Assert.That(mask.Voxels.LongCount(v => v != 0), Is.EqualTo(lung),
            "every piece of Case_009's normal reference lung is aerated (SciPy's count in reference-masks.txt: none dropped)");
    }

    /// <summary>
    /// The guard the slow way: per slice, a breadth-first flood fill over the 8 neighbours of each unvisited lung
    /// pixel, counting aerated pixels, then clearing the piece when its share is below the minimum.
    /// </summary>
    private static byte[] FloodFillReference(Volume<byte> mask, Volume<float> ct, double share)
    {
        var g = mask.Grid;
        var result = (byte[])mask.Voxels.Clone();
        var seen = new bool[result.Length];
        for (int z = 0; z < g.SizeZ; z++)
            for (int y0 = 0; y0 < g.SizeY; y0++)
                for (int x0 = 0; x0 < g.SizeX; x0++)
                {
                    int start = g.Index(x0, y0, z);
                    if (result[start] == 0 || seen[start]) continue;
                    var piece = new List<int>();
                    var queue = new Queue<(int X, int Y)>();
                    queue.Enqueue((x0, y0));
                    seen[start] = true;
                    while (queue.Count > 0)
                    {
                        var (x, y) = queue.Dequeue();
                        piece.Add(g.Index(x, y, z));
                        for (int dy = -1; dy <= 1; dy++)
                            for (int dx = -1; dx <= 1; dx++)
                            {
                                int nx = x + dx, ny = y + dy;
                                if (nx < 0 || ny < 0 || nx >= g.SizeX || ny >= g.SizeY) continue;
                                int n = g.Index(nx, ny, z);
                                if (result[n] == 0 || seen[n]) continue;
                                seen[n] = true;
                                queue.Enqueue((nx, ny));
                            }
                    }
                    int aerated = piece.Count(i => ct.Voxels[i] < -400f);
                    if (aerated < share * piece.Count)
                        foreach (int i in piece) result[i] = 0;
                }
        return result;
    }
}
