using System.Globalization;

namespace NativeSeg.Cli.Tests;

public sealed class EvaluateCommandTests
{
    [Test]
    public void Evaluate_PredictionEqualToReference_HasDiceOne()
    {
        using var folder = new TemporaryFolder();
        var phantom = Phantoms.Make(folder, "p", "32x32x8");
        string manifest = Phantoms.WriteManifest(folder, "manifest.json", new
        {
            id = "phantom_1", patient = "P1", group = "normal",
            ct = Path.GetFileName(phantom.Ct), mask = Path.GetFileName(phantom.Mask), prediction = Path.GetFileName(phantom.Mask),
        });
        string report = folder.File("report");

        var result = CliRunner.Expect(ExitCodes.Success, "evaluate", manifest, "-o", report);

        Assert.That(File.Exists(Path.Combine(report, "report.html")), Is.True, result.ToString());
        var lines = File.ReadAllLines(Path.Combine(report, "cases.csv"));
        Assert.That(lines, Has.Length.EqualTo(2), "header and one case");
        var header = lines[0].Split(',');
        var row = lines[1].Split(',');
        Assert.That(row[Array.IndexOf(header, "id")], Is.EqualTo("phantom_1"));
        double dice = double.Parse(row[Array.IndexOf(header, "dice")], CultureInfo.InvariantCulture);
        Assert.That(dice, Is.EqualTo(1.0));
        Assert.That(row[Array.IndexOf(header, "false_positive_voxels")], Is.EqualTo("0"));
        Assert.That(result.Out, Does.Contain("report.html"));
    }

    [Test]
    public void Evaluate_MissingManifest_IsInvalidInputNamingIt()
    {
        using var folder = new TemporaryFolder();
        string manifest = folder.File("nosuch.json");
        var result = CliRunner.Expect(ExitCodes.InvalidInput, "evaluate", manifest, "-o", folder.File("report"));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.Contain(manifest));
        Assert.That(Directory.Exists(folder.File("report")), Is.False);
    }
}
