namespace NativeSeg.Cli.Pacs;

/// <summary>How a <see cref="PacsWorker"/> runs (the options of <c>nativeseg pacs</c>).</summary>
public sealed record PacsWorkerOptions
{
    /// <summary>Names this worker in claims and statuses; unique among the workers sharing an Orthanc.</summary>
    public required string WorkerId { get; init; }

    /// <summary>How long a claim lasts unless renewed (renewed every third of it while the worker works).</summary>
    public required TimeSpan LeaseLength { get; init; }

    /// <summary>Wait between passes over the series; null: one pass, then return.</summary>
    public TimeSpan? PollInterval { get; init; }

    /// <summary>Where each series' instances are downloaded (one folder per job, removed after it).</summary>
    public required string WorkFolder { get; init; }

    public required string WeightsPath { get; init; }

    /// <summary>A resolved device name (not "auto").</summary>
    public required string Device { get; init; }

    public int BatchSize { get; init; } = 8;

    /// <summary>Only series Orthanc considers stable (no new instance for its StableAge) are taken.</summary>
    public bool StableOnly { get; init; } = true;
}
