using NativeSeg.Cli.Pacs;

namespace NativeSeg.Cli.Tests.Pacs;

/// <summary>The status JSON kept in Orthanc: written and read back, expiry, and values this version cannot read.</summary>
public sealed class SeriesStatusTests
{
    private static readonly DateTime Noon = new(2026, 12, 4, 12, 0, 0, DateTimeKind.Utc);

    [Test]
    public void Claim_RoundTrips_AndExpiresAtItsTime()
    {
        var claim = new SeriesStatus
        {
            State = SeriesStatus.Claimed, Worker = "host-1", Claim = "c1", TimeUtc = Noon, ExpiresUtc = Noon.AddMinutes(5), Version = "1.0.0+abc",
        };
        string json = claim.ToJson();
        Assert.That(json, Does.Contain("\"state\":\"claimed\"").And.Contain("\"expires\":\"2026-12-04T12:05:00Z\"").And.Contain("1.0.0+abc"));
        Assert.That(json, Does.Not.Contain("reason"), "absent fields are left out");
        var back = SeriesStatus.Parse(json)!;
        Assert.That(back, Is.EqualTo(claim));
        Assert.That(back.IsFinal, Is.False);
        Assert.That(back.IsExpiredClaim(Noon.AddMinutes(4.9)), Is.False);
        Assert.That(back.IsExpiredClaim(Noon.AddMinutes(5)), Is.True);
    }

    [Test]
    public void FinalStatuses_NeverExpire()
    {
        foreach (string state in new[] { SeriesStatus.Done, SeriesStatus.Failed })
        {
            var status = SeriesStatus.Parse(new SeriesStatus { State = state, Worker = "w", TimeUtc = Noon, Reason = "r" }.ToJson())!;
            Assert.That(status.IsFinal, Is.True, state);
            Assert.That(status.IsExpiredClaim(Noon.AddYears(1)), Is.False, state);
        }
    }

    [TestCase("")]
    [TestCase("claimed")]
    [TestCase("{\"state\":\"working\",\"worker\":\"w\"}")]
    [TestCase("{\"worker\":\"w\"}")]
    [TestCase("[1,2]")]
    public void ValuesThisVersionCannotRead_AreNull(string value) => Assert.That(SeriesStatus.Parse(value), Is.Null);
}
