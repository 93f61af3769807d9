using NativeSeg.Cli.Pacs;

namespace NativeSeg.Cli.Tests.Pacs;

/// <summary>Backoff: doubling from the first delay, capped, jittered within ±25 %, reproducible per seed, and given up in time.</summary>
public sealed class RetryPolicyTests
{
    [Test]
    public void Delays_Double_UpToTheCap_WithinTheJitter()
    {
        var policy = new RetryPolicy(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(30), TimeSpan.FromHours(1), seed: 7);
        for (int attempt = 1; attempt <= 12; attempt++)
        {
            double nominal = Math.Min(0.5 * Math.Pow(2, attempt - 1), 30);
            double delay = policy.DelayAfter(attempt, TimeSpan.Zero)!.Value.TotalSeconds;
            Assert.That(delay, Is.InRange(0.75 * nominal, 1.25 * nominal), $"attempt {attempt}");
        }
    }

    [Test]
    public void SameSeed_SameDelays_OtherSeed_OtherDelays()
    {
        TimeSpan[] Delays(int seed)
        {
            var policy = new RetryPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), TimeSpan.FromHours(1), seed);
            return [.. Enumerable.Range(1, 6).Select(a => policy.DelayAfter(a, TimeSpan.Zero)!.Value)];
        }
        Assert.That(Delays(3), Is.EqualTo(Delays(3)));
        Assert.That(Delays(3), Is.Not.EqualTo(Delays(4)), "workers that lost the server together come back apart");
    }

    [Test]
    public void GivesUp_WhenTheNextAttemptWouldStartAfterTheLimit()
    {
        var policy = new RetryPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), seed: 1);
        Assert.That(policy.DelayAfter(1, TimeSpan.FromSeconds(5)), Is.Not.Null);
        Assert.That(policy.DelayAfter(9, TimeSpan.FromSeconds(9.5)), Is.Null);
        var never = new RetryPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.Zero, seed: 1);
        Assert.That(never.DelayAfter(1, TimeSpan.Zero), Is.Null, "--retry-minutes 0: one attempt only");
    }
}
