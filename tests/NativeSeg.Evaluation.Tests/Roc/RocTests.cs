using NativeSeg.Evaluation.Roc;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Evaluation.Tests.Roc;

public class RocTests
{
    private static IEnumerable<string> Cases() => ReferenceFixture.Names("auc");

    private static (double[] Scores, bool[] Labels, double Auc) Load(string name)
    {
        var c = ReferenceFixture.Section("auc").GetProperty(name);
        return (ReferenceFixture.Doubles(c.GetProperty("scores")), c.GetProperty("labels").EnumerateArray().Select(e => e.GetBoolean()).ToArray(),
            c.GetProperty("auc").GetDouble());
    }

    [TestCaseSource(nameof(Cases))]
    public void ExactAucMatchesScikitLearn(string name)
    {
        var (scores, labels, auc) = Load(name);
        ReferenceFixture.AssertRelative(ExactAuc.Compute(scores, labels), auc, 1e-13, name);
    }

    [TestCaseSource(nameof(Cases))]
    public void HistogramAucMatchesScikitLearnWithinItsStatedBound(string name)
    {
        var (scores, labels, auc) = Load(name);
        var histogram = new RocHistogram();
        for (int i = 0; i < scores.Length; i++) histogram.Add((float)scores[i], labels[i]);
        double bound = histogram.AucErrorBound;
        Assert.That(Math.Abs(histogram.Auc - auc), Is.LessThanOrEqualTo(bound + 1e-12), $"{name}: bound {bound:E2}");
        if (name != "continuous")
        {
            // Ties only on a coarse grid: every distinct score has its own bin, so the binned AUC is exact.
            Assert.That(bound, Is.EqualTo(0.0));
            Assert.That(histogram.Auc, Is.EqualTo(auc).Within(1e-13));
        }
        else
        {
            Assert.That(bound, Is.LessThan(1e-3));
        }
    }

    [Test]
    public void PooledHistogramEqualsHistogramOfAllScores()
    {
        var (scores, labels, _) = Load("continuous");
        var all = new RocHistogram(1000);
        var first = new RocHistogram(1000);
        var second = new RocHistogram(1000);
        for (int i = 0; i < scores.Length; i++)
        {
            all.Add((float)scores[i], labels[i]);
            (i % 3 == 0 ? first : second).Add((float)scores[i], labels[i]);
        }
        first.Add(second);
        Assert.That(first.Positive, Is.EqualTo(all.Positive));
        Assert.That(first.Negative, Is.EqualTo(all.Negative));
        Assert.That(first.Auc, Is.EqualTo(all.Auc));
    }

    [Test]
    public void CurveRunsFromOriginToOneOneAndItsAreaIsTheAuc()
    {
        var (scores, labels, _) = Load("ties_on_twentieths");
        var histogram = new RocHistogram();
        for (int i = 0; i < scores.Length; i++) histogram.Add((float)scores[i], labels[i]);
        var curve = histogram.Curve();
        Assert.That(curve[0], Is.EqualTo(new RocPoint(0, 0, 1.0)));
        Assert.That(curve[^1].FalsePositiveRate, Is.EqualTo(1.0).Within(1e-15));
        Assert.That(curve[^1].TruePositiveRate, Is.EqualTo(1.0).Within(1e-15));
        double trapezoid = 0;
        for (int i = 1; i < curve.Count; i++)
        {
            Assert.That(curve[i].FalsePositiveRate, Is.GreaterThanOrEqualTo(curve[i - 1].FalsePositiveRate));
            trapezoid += (curve[i].FalsePositiveRate - curve[i - 1].FalsePositiveRate) * (curve[i].TruePositiveRate + curve[i - 1].TruePositiveRate) / 2;
        }
        Assert.That(trapezoid, Is.EqualTo(histogram.Auc).Within(1e-12));
    }

    [Test]
    public void RejectsScoresOutsideZeroOne()
    {
        var histogram = new RocHistogram();
        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.Add(1.5f, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.Add(float.NaN, true));
        Assert.That(histogram.BinOf(1f), Is.EqualTo(histogram.BinCount - 1));
        Assert.That(histogram.BinOf(0f), Is.EqualTo(0));
    }

    [Test]
    public void BodyBoxIsTheBoxOfTheLargestComponentAboveTheThreshold()
    {
        var grid = new Grid(20, 16, 2, Affine.Identity);
        var ct = new Volume<float>(grid);
        Array.Fill(ct.Voxels, -1000f);
        for (int y = 3; y <= 12; y++)
            for (int x = 4; x <= 15; x++)
                ct[x, y, 0] = 40f;               // the body, 12×10
        for (int y = 5; y <= 10; y++)
            for (int x = 7; x <= 12; x++)
                ct[x, y, 0] = -850f;             // lungs inside it, the body stays connected around them
        ct[0, 15, 0] = ct[1, 15, 0] = 200f;      // a small bright object (table) outside
        var boxes = BodyBoundingBox.PerSlice(ct);
        Assert.That(boxes[0], Is.EqualTo(new SliceBox(4, 3, 15, 12)));
        Assert.That(boxes[1].IsEmpty, Is.True);
    }
}
