using System.Text.Json;

namespace NativeSeg.Evaluation.Tests;

/// <summary>Fixtures/statistics_reference.json, written by Fixtures/make_statistics_reference.py.</summary>
internal static class ReferenceFixture
{
    private static readonly Lazy<JsonElement> Root = new(() =>
    {
        string path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "statistics_reference.json");
        using var stream = File.OpenRead(path);
        return JsonDocument.Parse(stream).RootElement.Clone();
    });

    public static JsonElement Section(string name) => Root.Value.GetProperty(name);

    public static double[] Sample(string name) => Doubles(Section("samples").GetProperty(name));

    public static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public static IEnumerable<string> Names(string section) => Section(section).EnumerateObject().Select(p => p.Name).ToArray();

    public static void AssertRelative(double actual, double expected, double tolerance, string what)
    {
        double error = Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), double.Epsilon);
        Assert.That(error, Is.LessThanOrEqualTo(tolerance), $"{what}: got {actual:R}, reference {expected:R}, relative error {error:E2}");
    }
}
