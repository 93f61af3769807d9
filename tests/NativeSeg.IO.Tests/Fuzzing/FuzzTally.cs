namespace NativeSeg.IO.Tests.Fuzzing;

/// <summary>Counts of outcomes over a fuzz run, with the first few failures described for reproduction.</summary>
public sealed class FuzzTally
{
    private const int KeptFailures = 20;
    private readonly Dictionary<FuzzOutcome, long> _counts = Enum.GetValues<FuzzOutcome>().ToDictionary(o => o, _ => 0L);
    private readonly List<string> _failures = [];

    public long Mutants => _counts.Values.Sum();

    public long this[FuzzOutcome outcome] => _counts[outcome];

    public long Failures => this[FuzzOutcome.Crashed] + this[FuzzOutcome.Hung] + this[FuzzOutcome.AcceptedImplausible];

    public IReadOnlyList<string> FailureDescriptions => _failures;

    /// <summary>The slowest mutant's reading time.</summary>
    public TimeSpan Slowest { get; private set; }

    public void Add(FuzzMutant mutant, FuzzOutcome outcome, string detail, TimeSpan elapsed)
    {
        _counts[outcome]++;
        if (elapsed > Slowest) Slowest = elapsed;
        if (outcome is FuzzOutcome.Accepted or FuzzOutcome.Rejected || _failures.Count >= KeptFailures) return;
        _failures.Add($"{outcome}: {mutant.Seed.Name} {mutant.Description}: {detail}");
    }

    public override string ToString() =>
        $"{Mutants} mutants: {this[FuzzOutcome.Rejected]} clean rejections, {this[FuzzOutcome.Accepted]} accepted, " +
        $"{this[FuzzOutcome.AcceptedImplausible]} accepted but implausible, {this[FuzzOutcome.Crashed]} crashes, {this[FuzzOutcome.Hung]} hangs; " +
        $"slowest {Slowest.TotalMilliseconds:F0} ms";
}
