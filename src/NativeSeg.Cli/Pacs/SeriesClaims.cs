namespace NativeSeg.Cli.Pacs;

/// <summary>
/// Claims on CT series, kept in Orthanc so that every worker sharing the server sees them. Each change of a series'
/// <see cref="SeriesStatus"/> is a compare-and-set on its metadata (Orthanc's revisions: <c>If-Match</c> with the
/// ETag read; without <c>If-Match</c> a write only creates), so of two workers that read the same status only one
/// can replace it. A claim is a lease: its worker renews it while working, and once it has expired (the worker died,
/// or lost the server longer than the lease) another worker may take it over the same way.
/// </summary>
public sealed class SeriesClaims(OrthancClient orthanc, ServerClock clock, string workerId, TimeSpan leaseLength, string version)
{
    private readonly Lock _writes = new(); // the heartbeat renews while the job may finish: one status write at a time

    public string WorkerId => workerId;

    public TimeSpan LeaseLength => leaseLength;

    /// <summary>The series' status as stored (null: none) and its raw value (null: none), for a later compare-and-set.</summary>
    public (SeriesStatus? Status, MetadataValue? Raw) Read(string seriesId, CancellationToken cancellation)
    {
        var raw = orthanc.GetMetadata(Resource(seriesId), SeriesStatus.MetadataName, cancellation);
        return (raw is null ? null : SeriesStatus.Parse(raw.Value), raw);
    }

    /// <summary>
    /// Claims the series if its status is still <paramref name="observed"/> (null: no status yet; else an expired
    /// claim). Null when another worker changed it first.
    /// </summary>
    public SeriesLease? TryClaim(string seriesId, MetadataValue? observed, CancellationToken cancellation)
    {
        var now = clock.UtcNow(cancellation);
        var claim = new SeriesStatus
        {
            State = SeriesStatus.Claimed, Worker = workerId, Claim = Guid.NewGuid().ToString("N"),
            TimeUtc = now, ExpiresUtc = now + leaseLength, Version = version,
        };
        lock (_writes)
            return Write(seriesId, claim.ToJson(), observed?.ETag, cancellation) ? new SeriesLease(seriesId, claim.Claim!) : null;
    }

    /// <summary>
    /// Records a final status (done or failed) for a series nobody holds (its status still <paramref name="observed"/>):
    /// used when a lung SEG for it is already in Orthanc. False when another worker changed the status first.
    /// </summary>
    public bool TryFinishUnclaimed(string seriesId, MetadataValue? observed, Func<DateTime, SeriesStatus> final, CancellationToken cancellation)
    {
        lock (_writes)
            return Write(seriesId, final(clock.UtcNow(cancellation)).ToJson(), observed?.ETag, cancellation);
    }

    /// <summary>Extends the lease from now. False when the claim is no longer this one (taken over, or removed).</summary>
    public bool Renew(SeriesLease lease, CancellationToken cancellation) =>
        Replace(lease, (current, now) => current with { TimeUtc = now, ExpiresUtc = now + leaseLength }, cancellation);

    /// <summary>Replaces the claim by a final status. False when the claim is no longer this one.</summary>
    public bool Finish(SeriesLease lease, Func<DateTime, SeriesStatus> final, CancellationToken cancellation) =>
        Replace(lease, (_, now) => final(now), cancellation);

    /// <summary>Removes the claim (the worker stops before finishing) if it is still this one.</summary>
    public bool Release(SeriesLease lease, CancellationToken cancellation)
    {
        lock (_writes)
        {
            var raw = orthanc.GetMetadata(Resource(lease.SeriesId), SeriesStatus.MetadataName, cancellation);
            if (raw is null || SeriesStatus.Parse(raw.Value) is not { State: SeriesStatus.Claimed } current || current.Claim != lease.Claim)
                return false;
            return orthanc.CompareAndDeleteMetadata(Resource(lease.SeriesId), SeriesStatus.MetadataName, raw.ETag, cancellation);
        }
    }

    /// <summary>A status for this worker, stamped with the time and version.</summary>
    public SeriesStatus Status(string state, DateTime nowUtc) => new() { State = state, Worker = workerId, TimeUtc = nowUtc, Version = version };

    private bool Replace(SeriesLease lease, Func<SeriesStatus, DateTime, SeriesStatus> next, CancellationToken cancellation)
    {
        lock (_writes)
        {
            var raw = orthanc.GetMetadata(Resource(lease.SeriesId), SeriesStatus.MetadataName, cancellation);
            if (raw is null || SeriesStatus.Parse(raw.Value) is not { State: SeriesStatus.Claimed } current || current.Claim != lease.Claim)
                return false;
            return Write(lease.SeriesId, next(current, clock.UtcNow(cancellation)).ToJson(), raw.ETag, cancellation);
        }
    }

    /// <summary>
    /// The compare-and-set. A conflict is read back once: when the stored value is exactly ours, the write did
    /// happen and only its answer was lost (the retry then met our own value), so it counts as done.
    /// </summary>
    private bool Write(string seriesId, string value, string? ifMatch, CancellationToken cancellation)
    {
        if (orthanc.CompareAndSetMetadata(Resource(seriesId), SeriesStatus.MetadataName, value, ifMatch, cancellation)) return true;
        return orthanc.GetMetadata(Resource(seriesId), SeriesStatus.MetadataName, cancellation)?.Value == value;
    }

    private static string Resource(string seriesId) => $"series/{seriesId}";
}

/// <summary>A claim this worker holds on a series: the series' Orthanc id and the claim's own id.</summary>
public sealed record SeriesLease(string SeriesId, string Claim);
