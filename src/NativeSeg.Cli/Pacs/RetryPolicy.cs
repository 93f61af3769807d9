namespace NativeSeg.Cli.Pacs;

/// <summary>
/// How long to keep trying a request that failed for a reason that passes (connection refused or reset while Orthanc
/// restarts, a timeout, HTTP 502/503/504 from a proxy): exponential backoff from <see cref="FirstDelay"/>, doubling up
/// to <see cref="MaximumDelay"/>, each delay jittered by ±25 % so that workers that lost the server together do not
/// come back in lock step; given up once <see cref="GiveUpAfter"/> has passed since the first failure.
/// </summary>
public sealed class RetryPolicy
{
    private readonly Random _jitter;
    private readonly Lock _jitterLock = new();

    /// <param name="seed">Seeds the jitter (a worker passes a hash of its id, so runs are reproducible).</param>
    public RetryPolicy(TimeSpan firstDelay, TimeSpan maximumDelay, TimeSpan giveUpAfter, int seed)
    {
        if (firstDelay <= TimeSpan.Zero || maximumDelay < firstDelay)
            throw new ArgumentOutOfRangeException(nameof(firstDelay), "need 0 < firstDelay <= maximumDelay");
        ArgumentOutOfRangeException.ThrowIfLessThan(giveUpAfter, TimeSpan.Zero);
        FirstDelay = firstDelay;
        MaximumDelay = maximumDelay;
        GiveUpAfter = giveUpAfter;
        _jitter = new Random(seed);
    }

    public TimeSpan FirstDelay { get; }

    public TimeSpan MaximumDelay { get; }

    public TimeSpan GiveUpAfter { get; }

    /// <summary>
    /// The wait before attempt <paramref name="attempt"/> + 1 (attempt counts from 1), or null when the next attempt
    /// would start after <see cref="GiveUpAfter"/> since the first failure (<paramref name="sinceFirstFailure"/>).
    /// </summary>
    public TimeSpan? DelayAfter(int attempt, TimeSpan sinceFirstFailure)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        double nominal = Math.Min(FirstDelay.TotalSeconds * Math.Pow(2, Math.Min(attempt - 1, 30)), MaximumDelay.TotalSeconds);
        double factor;
        lock (_jitterLock) factor = 0.75 + 0.5 * _jitter.NextDouble();
        var delay = TimeSpan.FromSeconds(nominal * factor);
        return sinceFirstFailure + delay > GiveUpAfter ? null : delay;
    }
}
