using System.Globalization;

namespace NativeSeg.Cli.Segmentation;

/// <summary>CSV fields as RFC 4180 writes them, numbers in the invariant culture (round-trip precision).</summary>
public static class Csv
{
    public static string Field(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    public static string Number(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    public static string Number(long? value) => value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "";
}
