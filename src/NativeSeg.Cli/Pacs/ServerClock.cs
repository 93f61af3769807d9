using System.Diagnostics;
using System.Globalization;

namespace NativeSeg.Cli.Pacs;

/// <summary>
/// Orthanc's clock (UTC, whole seconds, from /tools/now), estimated between readings from this machine's monotonic
/// clock. Leases are written and judged in it, so workers on machines whose clocks disagree agree on expiry.
/// </summary>
public sealed class ServerClock(OrthancClient orthanc)
{
    private DateTime _serverAtReading;
    private Stopwatch? _sinceReading;

    /// <summary>Reads Orthanc's time again (once per pass over the series is plenty).</summary>
    public void Synchronize(CancellationToken cancellation)
    {
        var before = Stopwatch.StartNew();
        // Orthanc 1.10 answers bare text (20261204T081502); accept it quoted as well.
        string text = orthanc.GetTextOrNull("tools/now", cancellation)?.Trim().Trim('"')
            ?? throw new OrthancException("GET /tools/now: not found (Orthanc 1.9.2 or later is needed)", System.Net.HttpStatusCode.NotFound);
        if (!DateTime.TryParseExact(text, "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var now))
            throw new OrthancException($"GET /tools/now: unexpected answer '{TerminalText.Sanitize(text)}'", System.Net.HttpStatusCode.OK);
        // The answer, truncated to the second, was made somewhere within the round trip: take the middle of both.
        _serverAtReading = now.AddMilliseconds(500).AddTicks(-before.Elapsed.Ticks / 2);
        _sinceReading = Stopwatch.StartNew();
    }

    /// <summary>Orthanc's current time (UTC).</summary>
    public DateTime UtcNow(CancellationToken cancellation)
    {
        if (_sinceReading is null) Synchronize(cancellation);
        return _serverAtReading + _sinceReading!.Elapsed;
    }
}
