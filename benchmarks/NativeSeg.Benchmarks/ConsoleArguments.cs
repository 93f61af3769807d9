using System.Globalization;

namespace NativeSeg.Benchmarks;

/// <summary>The "--name value" options of the console modes (winograd-compare, winograd-numerics, training-profile).</summary>
public static class ConsoleArguments
{
    public static string Text(string[] args, string name, string fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }

    public static int Integer(string[] args, string name, int fallback) =>
        int.Parse(Text(args, name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
}
