using NativeSeg.Cli.Pacs;

namespace NativeSeg.Cli.Tests.Pacs;

/// <summary>
/// Claims against a real Orthanc (compare-and-set on series metadata with CheckRevisions on): of workers racing for
/// the same series exactly one wins, an expired claim is taken over by exactly one, and the worker that lost its
/// claim can neither renew, finish nor release it.
/// </summary>
public sealed class SeriesClaimsTests
{
    private const int Racers = 8;

    [Test]
    public void RacingClaims_ExactlyOneWins()
    {
        using var folder = new TemporaryFolder();
        using var orthanc = OrthancServer.Start(folder.Path);
        string series = orthanc.UploadSeries(PacsSeries.Case009Slab(folder.File("ct")));

        var won = Race(orthanc, TimeSpan.FromMinutes(5), (claims, _) => claims.TryClaim(series, null, CancellationToken.None));

        Assert.That(won.Count(lease => lease is not null), Is.EqualTo(1));
        int winner = Array.FindIndex(won, lease => lease is not null);
        var stored = SeriesStatus.Parse(orthanc.SeriesMetadata(series, SeriesStatus.MetadataName)!)!;
        Assert.That((stored.State, stored.Worker, stored.Claim), Is.EqualTo((SeriesStatus.Claimed, $"racer-{winner}", won[winner]!.Claim)));
        Assert.That(stored.ExpiresUtc!.Value - stored.TimeUtc, Is.EqualTo(TimeSpan.FromMinutes(5)));
    }

    [Test]
    public void ExpiredClaim_IsTakenOverByExactlyOne_AndItsOldOwnerCanNoLongerUseIt()
    {
        using var folder = new TemporaryFolder();
        using var orthanc = OrthancServer.Start(folder.Path);
        string series = orthanc.UploadSeries(PacsSeries.Case009Slab(folder.File("ct")));
        using var client = Client(orthanc);
        var clock = new ServerClock(client);
        var first = new SeriesClaims(client, clock, "first", TimeSpan.FromSeconds(1), "test");
        var lease = first.TryClaim(series, null, CancellationToken.None);
        Assert.That(lease, Is.Not.Null);
        // Orthanc's clock has whole seconds: wait until it is surely past the expiry.
        var expires = SeriesStatus.Parse(orthanc.SeriesMetadata(series, SeriesStatus.MetadataName)!)!.ExpiresUtc!.Value;
        while (orthanc.Now() <= expires.AddSeconds(1)) Thread.Sleep(200);

        var won = Race(orthanc, TimeSpan.FromMinutes(5), (claims, c) =>
        {
            // As the worker does: read, and take over only an expired claim. A racer that reads after the winner
            // wrote sees the winner's live claim and backs off (a race seen on CI's 2 cores).
            var (status, raw) = claims.Read(series, CancellationToken.None);
            if (status!.Claim != lease!.Claim)
            {
                Assert.That(status.State, Is.EqualTo(SeriesStatus.Claimed), "the only other status a racer can read is the winner's claim");
                Assert.That(status.Worker, Does.StartWith("racer-"));
                Assert.That(status.IsExpiredClaim(new ServerClock(c).UtcNow(CancellationToken.None)), Is.False, "the winner's claim is live");
                return null;
            }
            Assert.That(status.IsExpiredClaim(new ServerClock(c).UtcNow(CancellationToken.None)), "expired by Orthanc's clock");
            return claims.TryClaim(series, raw, CancellationToken.None);
        });

        Assert.That(won.Count(l => l is not null), Is.EqualTo(1));
        var winner = won.Single(l => l is not null)!;
        Assert.That(first.Renew(lease!, CancellationToken.None), Is.False, "the old owner cannot renew");
        Assert.That(first.Finish(lease!, now => first.Status(SeriesStatus.Done, now), CancellationToken.None), Is.False, "nor finish");
        Assert.That(first.Release(lease!, CancellationToken.None), Is.False, "nor release");
        Assert.That(SeriesStatus.Parse(orthanc.SeriesMetadata(series, SeriesStatus.MetadataName)!)!.Claim, Is.EqualTo(winner.Claim));

        var owner = new SeriesClaims(client, clock, "owner", TimeSpan.FromMinutes(5), "test");
        Assert.That(owner.Renew(winner, CancellationToken.None), Is.True);
        Assert.That(owner.Release(winner, CancellationToken.None), Is.True);
        Assert.That(orthanc.SeriesMetadata(series, SeriesStatus.MetadataName), Is.Null, "released: no status left");
    }

    [Test]
    public void ClaimOnAStaleReading_Fails()
    {
        using var folder = new TemporaryFolder();
        using var orthanc = OrthancServer.Start(folder.Path);
        string series = orthanc.UploadSeries(PacsSeries.Case009Slab(folder.File("ct")));
        using var client = Client(orthanc);
        var clock = new ServerClock(client);
        var slow = new SeriesClaims(client, clock, "slow", TimeSpan.FromMinutes(5), "test");
        var fast = new SeriesClaims(client, clock, "fast", TimeSpan.FromMinutes(5), "test");

        var (_, nothing) = slow.Read(series, CancellationToken.None);
        var lease = fast.TryClaim(series, null, CancellationToken.None)!;
        Assert.That(slow.TryClaim(series, nothing, CancellationToken.None), Is.Null, "no status was read, but one exists now");
        var (_, claimed) = slow.Read(series, CancellationToken.None);
        Assert.That(fast.Finish(lease, now => fast.Status(SeriesStatus.Failed, now) with { Reason = "test" }, CancellationToken.None), Is.True);
        Assert.That(slow.TryClaim(series, claimed, CancellationToken.None), Is.Null, "the claim read was replaced by a final status");
        Assert.That(SeriesStatus.Parse(orthanc.SeriesMetadata(series, SeriesStatus.MetadataName)!)!.State, Is.EqualTo(SeriesStatus.Failed));
    }

    /// <summary>Runs <paramref name="attempt"/> on <see cref="Racers"/> threads, each its own worker and client, released together.</summary>
    private static SeriesLease?[] Race(OrthancServer orthanc, TimeSpan lease, Func<SeriesClaims, OrthancClient, SeriesLease?> attempt)
    {
        var results = new SeriesLease?[Racers];
        var failures = new Exception?[Racers];
        using var start = new Barrier(Racers);
        var threads = Enumerable.Range(0, Racers).Select(i => new Thread(() =>
        {
            using var client = Client(orthanc);
            var claims = new SeriesClaims(client, new ServerClock(client), $"racer-{i}", lease, "test");
            client.GetJson("system", CancellationToken.None); // connection and JIT warm before the race
            start.SignalAndWait();
            try
            {
                results[i] = attempt(claims, client);
            }
            catch (Exception e)
            {
                failures[i] = e;
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.That(failures.Where(f => f is not null), Is.Empty);
        return results;
    }

    private static OrthancClient Client(OrthancServer orthanc) =>
        new(orthanc.Url, null, null, new RetryPolicy(TimeSpan.FromSeconds(0.1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), seed: 1),
            _ => { }, TimeSpan.FromSeconds(30));
}
