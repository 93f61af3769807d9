using NativeSeg.Evaluation.Statistics;

namespace NativeSeg.Evaluation.Tests.Statistics;

public class DescriptiveTests
{
    private static IEnumerable<string> Cases() => ReferenceFixture.Names("descriptive");

    [TestCaseSource(nameof(Cases))]
    public void MatchesNumpy(string name)
    {
        var reference = ReferenceFixture.Section("descriptive").GetProperty(name);
        var d = Descriptive.Of(ReferenceFixture.Sample(name));
        ReferenceFixture.AssertRelative(d.Min, reference.GetProperty("min").GetDouble(), 0, "min");
        ReferenceFixture.AssertRelative(d.Max, reference.GetProperty("max").GetDouble(), 0, "max");
        ReferenceFixture.AssertRelative(d.Mean, reference.GetProperty("mean").GetDouble(), 1e-14, "mean");
        ReferenceFixture.AssertRelative(d.StandardDeviation, reference.GetProperty("sd").GetDouble(), 1e-13, "sd");
        ReferenceFixture.AssertRelative(d.Median, reference.GetProperty("median").GetDouble(), 1e-14, "median");
        ReferenceFixture.AssertRelative(d.Q1, reference.GetProperty("q1").GetDouble(), 1e-14, "q1");
        ReferenceFixture.AssertRelative(d.Q3, reference.GetProperty("q3").GetDouble(), 1e-14, "q3");
    }

    [Test]
    public void SkipsNaNAndCountsIt()
    {
        var d = Descriptive.Of([4.0, double.NaN, 1.0, 2.0, 3.0]);
        Assert.That(d.Count, Is.EqualTo(4));
        Assert.That(d.Missing, Is.EqualTo(1));
        Assert.That(d.Median, Is.EqualTo(2.5));
        Assert.That(d.Q1, Is.EqualTo(1.75));
        Assert.That(d.InterquartileRange, Is.EqualTo(1.5));
        Assert.That(d.StandardDeviation, Is.EqualTo(Math.Sqrt(5.0 / 3.0)).Within(1e-15));
    }
}
