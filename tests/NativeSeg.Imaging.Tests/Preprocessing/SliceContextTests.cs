using NativeSeg.Imaging.Preprocessing;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Tests.Preprocessing;

/// <summary>
/// Neighbouring slices as channels (<see cref="SliceContext"/>): the centre channel is the single-slice input itself,
/// the neighbours lie the offset in millimetres below and above (interpolated between slices, clamped at the ends),
/// in the centre slice's frame.
/// </summary>
public class SliceContextTests
{
    private const int Columns = 64, Rows = 48, Plane = PreparedVolume.SliceValues;

    [TestCase(2.0, 5.0)]   // 2.5 slices: halfway between two
    [TestCase(2.5, 5.0)]   // exactly 2 slices
    [TestCase(1.0, 3.0)]
    public void NeighboursAreTheCtTheOffsetBelowAndAbove(double sliceSpacing, double offsetMm)
    {
        // Every voxel's HU is linear in z, and every slice has the same body box: the in-plane resize is linear, so a
        // neighbour's channel is the blend of the plain input of the two slices around it (no clipping: HU in (-1000, 300)).
        var ct = LinearInZ(slices: 12, sliceSpacing, growingBody: false, seed: 3);
        var plain = SlicePreprocessor.Prepare(ct);
        var context = new SliceContext(offsetMm);
        var prepared = SlicePreprocessor.Prepare(ct, "linear", context);
        Assert.That(prepared.InputChannels, Is.EqualTo(3));
        Assert.That(prepared.Input, Has.Length.EqualTo(12 * 3 * Plane));
        int n = plain.Slices;
        for (int s = 0; s < n; s++)
        {
            Assert.That(prepared.CentreOf(s).ToArray(), Is.EqualTo(plain.CentreOf(s).ToArray()), $"slice {s}: channel 0 is the slice");
            for (int c = 1; c <= 2; c++)
            {
                double position = Math.Clamp(s + (c == 1 ? -1 : 1) * offsetMm / sliceSpacing, 0, n - 1);
                int first = (int)Math.Floor(position), second = Math.Min(first + 1, n - 1);
                double w = position - first;
                var channel = prepared.InputOf(s, 1).Slice(c * Plane, Plane);
                var a = plain.CentreOf(first);
                var b = plain.CentreOf(second);
                double worst = 0;
                for (int i = 0; i < Plane; i++) worst = Math.Max(worst, Math.Abs(channel[i] - ((1 - w) * a[i] + w * b[i])));
                Assert.That(worst, Is.LessThan(1e-5), $"slice {s}, channel {c} ({(c == 1 ? "below" : "above")}), at slice {position}");
            }
        }
        // At the ends a neighbour beyond the volume is its last slice.
        Assert.That(prepared.InputOf(0, 1).Slice(Plane, Plane).ToArray(), Is.EqualTo(plain.CentreOf(0).ToArray()));
        Assert.That(prepared.InputOf(n - 1, 1).Slice(2 * Plane, Plane).ToArray(), Is.EqualTo(plain.CentreOf(n - 1).ToArray()));
    }

    [Test]
    public void NeighboursAreCroppedWithTheCentreSlicesBox()
    {
        // The body widens slice by slice: each slice keeps its own box for channel 0 (the single-slice input, bit for
        // bit), and its neighbours are seen through that box: the wider body above reaches the crop's edge, the
        // narrower one below does not.
        var ct = LinearInZ(slices: 8, sliceSpacing: 2, growingBody: true, seed: 4);
        var plain = SlicePreprocessor.Prepare(ct);
        var prepared = SlicePreprocessor.Prepare(ct, "growing", new SliceContext(2));
        Assert.That(prepared.Boxes, Is.EqualTo(plain.Boxes));
        Assert.That(plain.Boxes.Select(b => b.Width).Distinct().Count(), Is.GreaterThan(1), "the boxes differ between slices");
        for (int s = 0; s < plain.Slices; s++)
            Assert.That(prepared.CentreOf(s).ToArray(), Is.EqualTo(plain.CentreOf(s).ToArray()), $"slice {s}");
        int middle = plain.Slices / 2;
        var input = prepared.InputOf(middle, 1);
        float AirShare(ReadOnlySpan<float> channel) => (float)channel.ToArray().Count(v => v < 0.2f) / Plane;
        Assert.That(AirShare(input.Slice(Plane, Plane)), Is.GreaterThan(AirShare(input[..Plane]) + 0.01), "the narrower body below leaves air inside the box");
        Assert.That(AirShare(input.Slice(2 * Plane, Plane)), Is.LessThanOrEqualTo(AirShare(input[..Plane])), "the wider body above fills it");
    }

    [TestCase(-1.0)]
    [TestCase(double.NaN)]
    [TestCase(25.0)]
    public void AnUnusableOffsetIsRefused(double offsetMm)
    {
        var context = new SliceContext(offsetMm);
        Assert.That(context.Problem, Does.Contain("slice-context offset"));
        Assert.Throws<ArgumentException>(() => SlicePreprocessor.Prepare(LinearInZ(4, 2, false, 1), "ct", context));
    }

    [Test]
    public void NoContextIsThePapersSingleSlice()
    {
        Assert.That(SliceContext.None.Channels, Is.EqualTo(1));
        Assert.That(new SliceContext(5).Channels, Is.EqualTo(3));
        var prepared = SlicePreprocessor.Prepare(LinearInZ(4, 2, false, 1));
        Assert.That(prepared.InputChannels, Is.EqualTo(1));
        Assert.Throws<InvalidOperationException>(() => SliceContext.None.Neighbour(0, 1, 4, 2));
    }

    /// <summary>
    /// A body of soft tissue around a lung, every voxel HU = base + slope·z (base and slope drawn per pixel); the body
    /// rectangle is the same on every slice, or widens by one column on each side per slice.
    /// </summary>
    private static Volume<float> LinearInZ(int slices, double sliceSpacing, bool growingBody, int seed)
    {
        var random = new Random(seed);
        var grid = new Grid(Columns, Rows, slices, Affine.FromSpacing(1, 1, sliceSpacing));
        var ct = new Volume<float>(grid);
        var baseHu = new float[Columns * Rows];
        var slope = new float[Columns * Rows];
        for (int i = 0; i < baseHu.Length; i++)
        {
            baseHu[i] = (float)(random.NextDouble() * 60);
            slope[i] = (float)(random.NextDouble() * 4 - 2);
        }
        for (int z = 0; z < slices; z++)
        {
            int margin = growingBody ? 14 - z : 8;
            for (int y = 0; y < Rows; y++)
            for (int x = 0; x < Columns; x++)
            {
                int i = x + Columns * y;
                bool body = x >= margin && x < Columns - margin && y >= 6 && y < Rows - 6;
                bool lung = x >= 20 && x < Columns - 20 && y >= 14 && y < Rows - 14;
                float hu = lung ? -850 + baseHu[i] : body ? 20 + baseHu[i] : -990 + baseHu[i] / 10;
                ct[x, y, z] = hu + slope[i] * z;
            }
        }
        return ct;
    }
}
