namespace NativeSeg.Simulation.Lesions;

/// <summary>COVID-19 pneumonia severity: the share of the lung volume the lesions cover.</summary>
public enum Severity
{
    /// <summary>About 5 % of the lung volume.</summary>
    Mild,

    /// <summary>About 15 % of the lung volume.</summary>
    Moderate,

    /// <summary>About 35 % of the lung volume.</summary>
    Severe,
}

public static class SeverityExtensions
{
    /// <summary>The affected fraction of the lung volume for a severity level.</summary>
    public static double AffectedFraction(this Severity severity) => severity switch
    {
        Severity.Mild => 0.05,
        Severity.Moderate => 0.15,
        Severity.Severe => 0.35,
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, "unknown severity"),
    };

    /// <summary>The share of the lesion volume that is consolidation: denser disease has more of it.</summary>
    public static double ConsolidationShare(this Severity severity) => severity switch
    {
        Severity.Mild => 0.12,
        Severity.Moderate => 0.22,
        Severity.Severe => 0.32,
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, "unknown severity"),
    };

    /// <summary>Parses "mild", "moderate" or "severe" (any case).</summary>
    public static bool TryParse(string text, out Severity severity) =>
        Enum.TryParse(text, ignoreCase: true, out severity) && Enum.IsDefined(severity);
}
