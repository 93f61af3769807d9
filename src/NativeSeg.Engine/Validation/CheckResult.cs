namespace NativeSeg.Engine.Validation;

/// <summary>One line of a numerics check: an operation's worst error on one backend against the reference.</summary>
public sealed record CheckResult(string Operation, string Backend, double WorstRelativeError, double Tolerance, string Detail)
{
    /// <summary>NaN never passes: an unwritten (NaN-poisoned) output element or a NaN result fails the check.</summary>
    public bool Passed => WorstRelativeError <= Tolerance;
}
