using System.Collections.Concurrent;

namespace NativeSeg.Engine.Tests.Support;

/// <summary>
/// Keeps the worst relative error seen per operation (for example "cpu/ConvolutionForward d=4") and prints each new
/// measurement to TestContext.Progress, so a test run shows how close every backend came to the oracle, not only
/// that it passed.
/// </summary>
public static class ErrorReport
{
    private static readonly ConcurrentDictionary<string, double> Worst = new();

    /// <summary>Records an error, prints it, and returns it (for the assertion that follows).</summary>
    public static double Record(string operation, double error)
    {
        Worst.AddOrUpdate(operation, error, (_, previous) => Math.Max(previous, error));
        TestContext.Progress.WriteLine($"[error] {operation}: {error:E3} (worst so far {Worst[operation]:E3})");
        return error;
    }

    /// <summary>Records the error and asserts it is at most the tolerance (NaN or ∞ always fail).</summary>
    public static void Check(string operation, double error, double tolerance)
    {
        Record(operation, error);
        Assert.That(double.IsFinite(error) && error <= tolerance, Is.True,
            $"{operation}: relative error {error:E3} exceeds {tolerance:E1}.");
    }

    /// <summary>The worst error per operation, one line each, sorted by name.</summary>
    public static string Summary() =>
        string.Join(Environment.NewLine, Worst.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}: {p.Value:E3}"));

    /// <summary>Prints <see cref="Summary"/> to TestContext.Progress.</summary>
    public static void PrintSummary()
    {
        if (Worst.IsEmpty) return;
        TestContext.Progress.WriteLine("Worst relative error per operation:");
        TestContext.Progress.WriteLine(Summary());
    }
}
