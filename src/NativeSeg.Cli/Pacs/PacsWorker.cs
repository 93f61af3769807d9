using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using NativeSeg.Cli.Outputs;
using NativeSeg.Engine;
using NativeSeg.IO;

namespace NativeSeg.Cli.Pacs;

/// <summary>
/// The PACS worker: Orthanc is the queue. Each pass lists the CT series, skips those with a final status, a live
/// claim of another worker, or images still arriving, and for each of the rest: looks for a lung SEG already stored
/// for it (then marks it done), else claims it (compare-and-set, <see cref="SeriesClaims"/>), downloads its instances,
/// segments them, stores the DICOM-SEG into the same study in one request (so Orthanc holds all of it or none),
/// records the statistics and marks the series done — or failed, with the reason, when the series cannot be used.
/// While it works the claim is renewed (<see cref="LeaseKeeper"/>); a stop (Ctrl-C, SIGTERM) removes the claim.
/// </summary>
public sealed partial class PacsWorker(OrthancClient orthanc, PacsWorkerOptions options, SeriesSegmenter segmenter, TextWriter log)
{
    /// <summary>The Orthanc metadata that holds a done series' statistics (JSON; declared in Orthanc's "UserMetadata").</summary>
    public const string StatisticsMetadataName = "NativeSegStatistics";

    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(20);

    private readonly ServerClock _clock = new(orthanc);
    private readonly LungSegmentationIndex _segmentations = new(orthanc);

    /// <summary>Series seen done: a SEG is stored, so they never need reading again (a failed one may be reset by hand).</summary>
    private readonly HashSet<string> _done = new(StringComparer.Ordinal);
    private SeriesClaims? _claims;

    private SeriesClaims Claims => _claims ??= new SeriesClaims(orthanc, _clock, options.WorkerId, options.LeaseLength,
        NativeSeg.Model.Weights.WeightsMetadata.NativeSegVersion);

    /// <summary>
    /// Checks that Orthanc can hold claims (CheckRevisions on, the metadata names declared), then runs one pass
    /// (<see cref="PacsWorkerOptions.PollInterval"/> null) or passes until cancelled. In polling mode a pass that
    /// cannot reach Orthanc is reported and the next one waits as usual.
    /// </summary>
    public PassTally Run(CancellationToken cancellation)
    {
        CheckServer(cancellation);
        RemoveStaleJobFolders();
        var total = new PassTally();
        while (true)
        {
            PassTally pass;
            try
            {
                pass = RunPass(cancellation);
            }
            catch (OrthancException e) when (options.PollInterval is not null)
            {
                // Orthanc unreachable beyond the retries, or an error on its side: the worker outlives both.
                Log($"warning: {e.Message}; next pass in {options.PollInterval.Value.TotalSeconds:F0} s");
                pass = new PassTally();
            }
            total = total.Add(pass);
            if (options.PollInterval is not { } interval) return total;
            // A pass that did work goes again at once: more series may be waiting.
            if (pass.Done + pass.Failed == 0 && cancellation.WaitHandle.WaitOne(interval)) cancellation.ThrowIfCancellationRequested();
            cancellation.ThrowIfCancellationRequested();
        }
    }

    /// <summary>One pass over the CT series in Orthanc, oldest first.</summary>
    public PassTally RunPass(CancellationToken cancellation)
    {
        var tally = new PassTally();
        _clock.Synchronize(cancellation);
        var found = orthanc.PostJson("tools/find", """{"Level":"Series","Query":{"Modality":"CT"},"Expand":true}""", cancellation);
        if (found.ValueKind != JsonValueKind.Array)
            throw new OrthancException("POST /tools/find: Orthanc's answer is not a list", HttpStatusCode.OK);
        var candidates = found.EnumerateArray().Select(SeriesCandidate.From).OfType<SeriesCandidate>()
            .OrderBy(c => c.LastUpdate, StringComparer.Ordinal).ThenBy(c => c.Id, StringComparer.Ordinal).ToList();
        foreach (var candidate in candidates)
        {
            cancellation.ThrowIfCancellationRequested();
            try
            {
                tally = tally.Add(Consider(candidate, cancellation));
            }
            catch (OrthancException e) when (e.IsUnknownResource)
            {
                Log($"series {candidate.Id}: deleted from Orthanc meanwhile; passed over");
            }
        }
        Log(string.Create(CultureInfo.InvariantCulture,
            $"pass: {tally.Done} done, {tally.Failed} failed, {tally.Busy} claimed by other workers, {tally.Waiting} still receiving images, {tally.Finished} finished before"));
        return tally;
    }

    private PassTally Consider(SeriesCandidate candidate, CancellationToken cancellation)
    {
        if (_done.Contains(candidate.Id)) return new PassTally { Finished = 1 };
        if (options.StableOnly && !candidate.IsStable) return new PassTally { Waiting = 1 };
        var (status, raw) = Claims.Read(candidate.Id, cancellation);
        if (raw is not null && status is null) return new PassTally { Busy = 1 }; // a status this version cannot read: leave it
        if (status is { State: SeriesStatus.Done }) _done.Add(candidate.Id);
        if (status is { IsFinal: true }) return new PassTally { Finished = 1 };
        if (status is not null && !status.IsExpiredClaim(_clock.UtcNow(cancellation))) return new PassTally { Busy = 1 };

        if (_segmentations.Find(candidate.StudyId, candidate.SeriesInstanceUid, cancellation) is { } existing)
        {
            bool marked = Claims.TryFinishUnclaimed(candidate.Id, raw, now => Claims.Status(SeriesStatus.Done, now) with
            {
                Segmentation = existing, Reason = "a lung SEG referencing this series was already in Orthanc",
            }, cancellation);
            if (marked) Log($"series {candidate.Id}: a lung SEG ({existing}) is already stored; marked done");
            return new PassTally { Finished = 1 };
        }

        var lease = Claims.TryClaim(candidate.Id, raw, cancellation);
        if (lease is null) return new PassTally { Busy = 1 };
        Log(status is null
            ? $"series {candidate.Id}: claimed ({candidate.Instances.Count} instances, study {candidate.StudyId})"
            : $"series {candidate.Id}: claimed, taking over the expired claim of {status.Worker}");
        return Work(candidate, lease, cancellation);
    }

    /// <summary>Processes a claimed series; on every way out the claim is either finished, released or lost.</summary>
    private PassTally Work(SeriesCandidate candidate, SeriesLease lease, CancellationToken cancellation)
    {
        using var keeper = new LeaseKeeper(Claims, lease, Log);
        using var job = CancellationTokenSource.CreateLinkedTokenSource(cancellation, keeper.Lost);
        string folder = Path.Combine(options.WorkFolder, $"job-{Environment.ProcessId}-{candidate.Id}");
        try
        {
            var outcome = Process(candidate, lease, folder, job.Token);
            keeper.Stop();
            if (outcome.Stored is { } stored)
            {
                if (stored.StatisticsJson is { } statistics) WriteStatistics(candidate.Id, statistics, cancellation);
                bool finished = Claims.Finish(lease, now => Claims.Status(SeriesStatus.Done, now) with
                {
                    Segmentation = stored.OrthancId, SegmentationSopInstanceUid = stored.SopInstanceUid, Reason = stored.Note,
                }, cancellation);
                Log(finished
                    ? $"series {candidate.Id}: done: SEG {stored.OrthancId} stored{(stored.Summary is null ? "" : "; " + stored.Summary)}"
                    : $"series {candidate.Id}: SEG {stored.OrthancId} stored, but the claim was taken over before it could be marked done");
                return new PassTally { Done = 1 };
            }
            bool failed = Claims.Finish(lease, now => Claims.Status(SeriesStatus.Failed, now) with { Reason = outcome.FailureReason }, cancellation);
            Log($"series {candidate.Id}: failed{(failed ? "" : " (claim lost; status left to its new owner)")}: {outcome.FailureReason}");
            return new PassTally { Failed = 1 };
        }
        catch (Exception e) when (e is ClaimLostException || (e is OperationCanceledException && keeper.Lost.IsCancellationRequested && !cancellation.IsCancellationRequested))
        {
            if (e is ClaimLostException) Log($"series {candidate.Id}: the claim was taken over by another worker; nothing stored");
            return new PassTally { Busy = 1 }; // the new owner finishes the series
        }
        catch (Exception e) when (e is OperationCanceledException || !keeper.Lost.IsCancellationRequested)
        {
            // Stopped (Ctrl-C, SIGTERM), Orthanc gone for good, or an error that is not the series' fault: give the
            // series back now rather than when the lease runs out. What was stored stays whole (one request).
            keeper.Stop();
            using var release = new CancellationTokenSource(ReleaseTimeout);
            try
            {
                if (Claims.Release(lease, release.Token)) Log($"series {candidate.Id}: claim released");
            }
            catch (Exception releaseFailure) when (releaseFailure is OrthancException or OperationCanceledException)
            {
                Log($"series {candidate.Id}: could not release the claim ({releaseFailure.Message}); it expires by itself");
            }
            throw;
        }
        finally
        {
            DeleteFolder(folder);
        }
    }

    private JobOutcome Process(SeriesCandidate candidate, SeriesLease lease, string folder, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        DeleteFolder(folder);
        Directory.CreateDirectory(folder);
        long downloaded = 0;
        foreach (string instance in candidate.Instances)
        {
            string file = Path.Combine(folder, instance + ".dcm");
            try
            {
                orthanc.Download($"instances/{instance}/file", file, cancellation);
            }
            catch (OrthancException e) when (!e.Unreachable && !e.IsUnknownResource)
            {
                // Orthanc has the instance but cannot serve it (its stored file lost or unreadable): retrying will not help.
                return JobOutcome.Failure($"Orthanc could not serve instance {instance}: {e.Message}");
            }
            downloaded += new FileInfo(file).Length;
        }
        double downloadSeconds = clock.Elapsed.TotalSeconds;

        PacsSegmentation segmentation;
        try
        {
            segmentation = segmenter.Run(folder, candidate.SeriesInstanceUid, $"{orthanc.BaseUri}series/{candidate.Id}", cancellation);
        }
        catch (InvalidInputException e)
        {
            return JobOutcome.Failure(DescribeInputFailure(e, folder));
        }
        catch (ShapeException e)
        {
            return JobOutcome.Failure(TerminalText.Sanitize(e.Message));
        }

        // Last look before storing: still ours, and no lung SEG arrived meanwhile (from a worker whose lease this one took over).
        cancellation.ThrowIfCancellationRequested();
        if (!Claims.Renew(lease, cancellation)) throw new ClaimLostException();
        if (_segmentations.Find(candidate.StudyId, candidate.SeriesInstanceUid, cancellation) is { } existing)
            return JobOutcome.Success(new StoredSegmentation(existing, null, null, null, "a lung SEG referencing this series was stored meanwhile"));

        JsonElement answer;
        double storeStart = clock.Elapsed.TotalSeconds;
        try
        {
            answer = orthanc.StoreInstance(segmentation.Dicom, cancellation);
        }
        catch (OrthancException e) when (e.Status is HttpStatusCode.BadRequest)
        {
            return JobOutcome.Failure($"Orthanc refused the SEG: {e.Message}");
        }
        string id = answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("ID", out var stored) && stored.ValueKind == JsonValueKind.String
            ? stored.GetString()! : throw new OrthancException($"POST /instances: Orthanc's answer names no stored instance ({answer})", HttpStatusCode.OK);
        string timing = string.Create(CultureInfo.InvariantCulture,
            $"{segmentation.Summary}; downloaded {candidate.Instances.Count} instances ({downloaded / 1e6:F1} MB) in {downloadSeconds:F1} s, stored the SEG ({segmentation.Dicom.Length / 1e3:F0} kB) in {clock.Elapsed.TotalSeconds - storeStart:F1} s, {clock.Elapsed.TotalSeconds:F1} s in all");
        return JobOutcome.Success(new StoredSegmentation(id, segmentation.SopInstanceUid, segmentation.StatisticsJson, timing, null));
    }

    /// <summary>
    /// The reason as Orthanc's users know the files: each downloaded file (named after its instance) as
    /// "instance ID", never this worker's download folder.
    /// </summary>
    private static string DescribeInputFailure(InvalidInputException e, string folder)
    {
        string root = Path.GetFullPath(folder);
        string Local(string text) => Regex.Replace(text.Replace(root + Path.DirectorySeparatorChar, "", StringComparison.Ordinal),
            @"\b([0-9a-f]{8}(?:-[0-9a-f]{8}){4})\.dcm\b", "instance $1");
        string path = Path.GetFullPath(e.Path);
        if (path == root) return Local(e.Reason);
        return path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? $"{Local(path)}: {Local(e.Reason)}" : e.Message;
    }

    /// <summary>Writes (or replaces) the statistics metadata; only the claim's holder writes it.</summary>
    private void WriteStatistics(string seriesId, string json, CancellationToken cancellation)
    {
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var current = orthanc.GetMetadata($"series/{seriesId}", StatisticsMetadataName, cancellation);
            if (current?.Value == json || orthanc.CompareAndSetMetadata($"series/{seriesId}", StatisticsMetadataName, json, current?.ETag, cancellation))
                return;
        }
        throw new OrthancException($"series {seriesId}: the statistics metadata kept changing while being written", HttpStatusCode.Conflict);
    }

    /// <summary>Refuses, with what to change, an Orthanc on which claims would not be safe.</summary>
    private void CheckServer(CancellationToken cancellation)
    {
        string server = orthanc.BaseUri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        var system = orthanc.GetJson("system", cancellation);
        if (!system.TryGetProperty("CheckRevisions", out var revisions) || revisions.ValueKind != JsonValueKind.True)
            throw new OrthancException(
                $"{server}: Orthanc runs without \"CheckRevisions\": true (or is older than 1.9.2): workers could not claim series safely; set it in Orthanc's configuration",
                HttpStatusCode.OK);
        foreach (string name in new[] { SeriesStatus.MetadataName, StatisticsMetadataName })
        {
            try
            {
                // A name Orthanc knows is looked up on the (absent) series; an unknown name fails before that.
                orthanc.GetMetadata("series/nativeseg-probe", name, cancellation);
            }
            catch (OrthancException e) when (e.IsUnknownResource)
            {
                continue;
            }
            catch (OrthancException e) when (e.Status == HttpStatusCode.NotFound)
            {
                throw new OrthancException(
                    $"{server}: Orthanc does not know the metadata \"{name}\"; declare it in Orthanc's configuration, e.g. \"UserMetadata\": {{ \"{SeriesStatus.MetadataName}\": 4400, \"{StatisticsMetadataName}\": 4401 }}",
                    HttpStatusCode.NotFound);
            }
        }
    }

    /// <summary>Removes the download folders of workers that were killed (their process id is gone).</summary>
    private void RemoveStaleJobFolders()
    {
        if (!Directory.Exists(options.WorkFolder)) return;
        foreach (string folder in Directory.EnumerateDirectories(options.WorkFolder, "job-*"))
        {
            var match = JobFolderPattern().Match(Path.GetFileName(folder));
            if (!match.Success || !int.TryParse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture, out int pid)) continue;
            if (pid == Environment.ProcessId || StaleTemporaries.IsAlive(pid)) continue;
            DeleteFolder(folder);
            if (!Directory.Exists(folder)) Log($"removed {folder} (left by a killed worker)");
        }
    }

    [GeneratedRegex(@"^job-(\d+)-")]
    private static partial Regex JobFolderPattern();

    private static void DeleteFolder(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover download folder costs disk, not correctness; the next job of this process replaces it.
        }
    }

    private void Log(string message)
    {
        lock (log) log.WriteLine($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} {options.WorkerId} {TerminalText.Sanitize(message)}");
    }

    /// <summary>The claim turned out to be another worker's just before storing: store nothing.</summary>
    private sealed class ClaimLostException : Exception;

    private sealed record StoredSegmentation(string OrthancId, string? SopInstanceUid, string? StatisticsJson, string? Summary, string? Note);

    private sealed record JobOutcome(StoredSegmentation? Stored, string? FailureReason)
    {
        public static JobOutcome Success(StoredSegmentation stored) => new(stored, null);

        public static JobOutcome Failure(string reason) => new(null, reason);
    }
}
