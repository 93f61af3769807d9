namespace NativeSeg.Cli.Pacs;

/// <summary>
/// Renews a claim every third of the lease while the worker works on the series, on a thread of its own. When the
/// claim turns out to be someone else's (this worker was cut off longer than the lease and another took the series
/// over), it cancels <see cref="Lost"/> so the job stops and stores nothing. A renewal that cannot reach Orthanc is
/// tried again at the next beat; the job's own requests wait for the server the same way.
/// </summary>
public sealed class LeaseKeeper : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _lost = new();
    private readonly Thread _thread;

    public LeaseKeeper(SeriesClaims claims, SeriesLease lease, Action<string> log)
    {
        var interval = claims.LeaseLength / 3;
        _thread = new Thread(() =>
        {
            while (!_stop.Token.WaitHandle.WaitOne(interval))
            {
                try
                {
                    if (claims.Renew(lease, _stop.Token)) continue;
                    log($"series {lease.SeriesId}: the claim was taken over by another worker; stopping this job");
                    _lost.Cancel();
                    return;
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (OrthancException e)
                {
                    if (e.IsUnknownResource)
                    {
                        log($"series {lease.SeriesId}: deleted from Orthanc; stopping this job");
                        _lost.Cancel();
                        return;
                    }
                    log($"series {lease.SeriesId}: could not renew the claim ({e.Message}); trying again");
                }
            }
        })
        { IsBackground = true, Name = "nativeseg lease " + lease.SeriesId };
        _thread.Start();
    }

    /// <summary>Cancelled when the claim is lost: the job must stop and store nothing.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>Stops renewing (before the job writes its final status) and waits for a renewal in flight.</summary>
    public void Stop()
    {
        _stop.Cancel();
        _thread.Join();
    }

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
        _lost.Dispose();
    }
}
