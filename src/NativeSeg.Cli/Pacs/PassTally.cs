namespace NativeSeg.Cli.Pacs;

/// <summary>What passes over the series did: series finished now, failed now, held by others, still arriving, finished before.</summary>
public sealed record PassTally
{
    public int Done { get; init; }

    public int Failed { get; init; }

    public int Busy { get; init; }

    public int Waiting { get; init; }

    public int Finished { get; init; }

    public PassTally Add(PassTally other) => new()
    {
        Done = Done + other.Done, Failed = Failed + other.Failed, Busy = Busy + other.Busy,
        Waiting = Waiting + other.Waiting, Finished = Finished + other.Finished,
    };
}
