using NativeSeg.Imaging.Morphology;


namespace NativeSeg.Imaging.Tests.Morphology;

[TestFixture]
public class SliceHoleFillingTests
{
    private const int Size = 20, Slices = 3;

    private static byte[] Empty() => new byte[Size * Size * Slices];

    private static void Ring(byte[] v, int z, int x0, int x1, int y0, int y1, byte label)
    {
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
                if (x == x0 || x == x1 || y == y0 || y == y1) v[x + Size * (y + Size * z)] = label;
    }

    [Test]
    public void FillsWhatOneLungEnclosesInASlice()
    {
        var v = Empty();
        for (int z = 0; z < Slices; z++) Ring(v, z, 2, 8, 2, 8, 1); // a tube along z: open in 3D, closed in each slice
        long filled = SliceHoleFilling.Fill(v, Size, Size, Slices, [1, 2]);
        Assert.That(filled, Is.EqualTo(5 * 5 * Slices));
        Assert.That(v[5 + Size * (5 + Size * 1)], Is.EqualTo(1));
    }

    [Test]
    public void DoesNotFillWhatOnlyBothLungsTogetherEnclose()
    {
        var v = Empty();
        // Right lung: the left half of a ring; left lung: the right half. Together they enclose the middle.
        for (int y = 2; y <= 12; y++)
            for (int x = 2; x <= 12; x++)
            {
                bool edge = x == 2 || x == 12 || y == 2 || y == 12;
                if (edge) v[x + Size * (y + Size * 1)] = x <= 7 ? (byte)1 : (byte)2;
            }
        long filled = SliceHoleFilling.Fill(v, Size, Size, Slices, [1, 2]);
        Assert.That(filled, Is.Zero);
        Assert.That(v[7 + Size * (7 + Size * 1)], Is.Zero);
    }

    [Test]
    public void AGapToTheOutsideKeepsTheRegionOpenAndOtherLabelsStay()
    {
        var v = Empty();
        Ring(v, 0, 2, 8, 2, 8, 1);
        v[2 + Size * 5] = 0; // an opening in the ring's wall
        Ring(v, 1, 2, 8, 2, 8, 2);
        v[5 + Size * (5 + Size * 1)] = 1; // a pixel of the other lung inside the left lung's ring stays as it is
        long filled = SliceHoleFilling.Fill(v, Size, Size, Slices, [1, 2]);
        Assert.That(v[5 + Size * 5], Is.Zero, "slice 0 is open");
        Assert.That(filled, Is.EqualTo(24), "slice 1: 25 enclosed pixels, one of them already lung");
        Assert.That(v[5 + Size * (5 + Size * 1)], Is.EqualTo(1));
        Assert.That(v[4 + Size * (5 + Size * 1)], Is.EqualTo(2));
    }
}
