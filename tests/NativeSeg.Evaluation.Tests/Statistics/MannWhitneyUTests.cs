using NativeSeg.Evaluation.Statistics;

namespace NativeSeg.Evaluation.Tests.Statistics;

public class MannWhitneyUTests
{
    private static IEnumerable<string> Cases() => ReferenceFixture.Names("mannwhitneyu");

    [TestCaseSource(nameof(Cases))]
    public void MatchesScipyDefaults(string name)
    {
        var reference = ReferenceFixture.Section("mannwhitneyu").GetProperty(name);
        var result = MannWhitneyU.Test(ReferenceFixture.Doubles(reference.GetProperty("x")), ReferenceFixture.Doubles(reference.GetProperty("y")));
        Assert.That(result.U, Is.EqualTo(reference.GetProperty("u").GetDouble()), $"{name} U");
        ReferenceFixture.AssertRelative(result.PValue, reference.GetProperty("p").GetDouble(), 1e-9, $"{name} P ({result.Method})");
        Assert.That(result.Method, Is.EqualTo(name.StartsWith("exact", StringComparison.Ordinal) ? MannWhitneyMethod.Exact : MannWhitneyMethod.Asymptotic));
    }

    [Test]
    public void ExactCountsAreBinomialInTotalAndSymmetric()
    {
        double[] counts = MannWhitneyU.ExactCounts(4, 6);
        Assert.That(counts.Sum(), Is.EqualTo(210)); // C(10, 4)
        for (int u = 0; u < counts.Length; u++)
            Assert.That(counts[u], Is.EqualTo(counts[^(u + 1)]));
        Assert.That(counts[0], Is.EqualTo(1));
        Assert.That(counts[1], Is.EqualTo(1));
        Assert.That(counts[2], Is.EqualTo(2));
    }
}
