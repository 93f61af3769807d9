using NativeSeg.Evaluation.Statistics;

namespace NativeSeg.Evaluation.Tests.Statistics;

public class NormalityTests
{
    private static IEnumerable<string> ShapiroCases() => ReferenceFixture.Names("shapiro");
    private static IEnumerable<string> LillieforsCases() => ReferenceFixture.Names("lilliefors");

    [TestCaseSource(nameof(ShapiroCases))]
    public void ShapiroWilkMatchesScipy(string name)
    {
        var reference = ReferenceFixture.Section("shapiro").GetProperty(name);
        var result = ShapiroWilk.Test(ReferenceFixture.Sample(name));
        ReferenceFixture.AssertRelative(result.Statistic, reference.GetProperty("w").GetDouble(), 1e-6, $"{name} W");
        ReferenceFixture.AssertRelative(result.PValue, reference.GetProperty("p").GetDouble(), 1e-4, $"{name} P");
    }

    [Test]
    public void ShapiroWilkCoefficientsAreTheTabulatedOnes()
    {
        // Shapiro & Wilk (1965) table for n = 20: a₁ = 0.4734, a₂ = 0.3211, a₁₀ = 0.0140; Royston's approximation agrees to 1e-3.
        double[] a = ShapiroWilk.Coefficients(20);
        Assert.That(a[19], Is.EqualTo(0.4734).Within(1e-3));
        Assert.That(a[18], Is.EqualTo(0.3211).Within(1e-3));
        Assert.That(a[10], Is.EqualTo(0.0140).Within(1e-3));
        Assert.That(a[0], Is.EqualTo(-a[19]));
        Assert.That(a.Sum(v => v * v), Is.EqualTo(1.0).Within(1e-12));
    }

    [Test]
    public void ShapiroWilkRejectsTooFewOrConstantValues()
    {
        Assert.Throws<ArgumentException>(() => ShapiroWilk.Test([1.0, 2.0]));
        Assert.Throws<ArgumentException>(() => ShapiroWilk.Test([3.0, 3.0, 3.0, 3.0]));
        Assert.Throws<ArgumentException>(() => ShapiroWilk.Test([1.0, double.NaN, 3.0]));
    }

    [TestCaseSource(nameof(LillieforsCases))]
    public void LillieforsMatchesStatsmodels(string name)
    {
        var reference = ReferenceFixture.Section("lilliefors").GetProperty(name);
        double expectedP = reference.GetProperty("p").GetDouble();
        var result = Lilliefors.Test(ReferenceFixture.Sample(name));
        ReferenceFixture.AssertRelative(result.Statistic, reference.GetProperty("d").GetDouble(), 1e-9, $"{name} D");
        if (expectedP <= 0.1)
        {
            // Same method (Dallal–Wilkinson): only rounding differs.
            ReferenceFixture.AssertRelative(result.PValue, expectedP, 1e-9, $"{name} P");
        }
        else
        {
            // statsmodels interpolates its table above 0.1, we use a seeded Monte Carlo: agreement to a few hundredths.
            Assert.That(result.PValue, Is.GreaterThan(0.1), $"{name} P");
            Assert.That(result.PValue, Is.EqualTo(expectedP).Within(0.03), $"{name} P");
        }
    }

    [Test]
    public void LillieforsMonteCarloIsReproducible()
    {
        double[] x = ReferenceFixture.Sample("n20_normal");
        Assert.That(Lilliefors.Test(x).PValue, Is.EqualTo(Lilliefors.Test(x).PValue));
    }
}
