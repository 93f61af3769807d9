using NativeSeg.Evaluation.Statistics;

namespace NativeSeg.Evaluation.Tests.Statistics;

public class NormalDistributionTests
{
    // Far in the tails Φ is ill-conditioned: a relative change ε of x changes Φ(x) by about x²·ε relative
    // (≈ 1.5e-13 at x = −37), so both SciPy and we are allowed that much there.
    private static double Tolerance(double x) => Math.Max(1e-13, 2 * x * x * 2.2e-16);

    [Test]
    public void CdfAndSurvivalMatchScipyInBothTails()
    {
        foreach (var pair in ReferenceFixture.Section("normal").GetProperty("cdf").EnumerateArray())
            ReferenceFixture.AssertRelative(NormalDistribution.Cdf(pair[0].GetDouble()), pair[1].GetDouble(), Tolerance(pair[0].GetDouble()), $"Φ({pair[0]})");
        foreach (var pair in ReferenceFixture.Section("normal").GetProperty("sf").EnumerateArray())
            ReferenceFixture.AssertRelative(NormalDistribution.Survival(pair[0].GetDouble()), pair[1].GetDouble(), Tolerance(pair[0].GetDouble()), $"1 − Φ({pair[0]})");
    }

    [Test]
    public void CdfMatchesFortyDigitValuesOnADenseGrid()
    {
        foreach (var pair in ReferenceFixture.Section("normal").GetProperty("cdf_mpmath").EnumerateArray())
            ReferenceFixture.AssertRelative(NormalDistribution.Cdf(pair[0].GetDouble()), pair[1].GetDouble(), Tolerance(pair[0].GetDouble()), $"Φ({pair[0]})");
    }

    [Test]
    public void QuantileMatchesScipyAndInvertsTheCdf()
    {
        foreach (var pair in ReferenceFixture.Section("normal").GetProperty("ppf").EnumerateArray())
            ReferenceFixture.AssertRelative(NormalDistribution.Quantile(pair[0].GetDouble()), pair[1].GetDouble(), 1e-13, $"Φ⁻¹({pair[0]})");
        for (double p = 0.0005; p < 1; p += 0.01)
            ReferenceFixture.AssertRelative(NormalDistribution.Cdf(NormalDistribution.Quantile(p)), p, 1e-13, $"Φ(Φ⁻¹({p}))");
        Assert.That(NormalDistribution.Quantile(0.5), Is.EqualTo(0.0).Within(1e-16));
        Assert.Throws<ArgumentOutOfRangeException>(() => NormalDistribution.Quantile(1.5));
    }
}
