using NativeSeg.IO.Datasets;

namespace NativeSeg.Cli.Tests;

/// <summary>
/// The paper's study end to end, in a configuration small enough for CI: train on two phantom patients, segment a
/// normal and a COVID-19 test phantom, evaluate the two groups and write the report.
/// </summary>
public sealed class ReproduceCommandTests
{
    [Test]
    public void Reproduce_TrainsSegmentsTheTestGroupsAndWritesTheReport()
    {
        using var folder = new TemporaryFolder();
        var cases = new List<object>();
        for (int i = 1; i <= 2; i++)
        {
            var phantom = Phantoms.Make(folder, $"train{i}", "32x32x8", seed: (ulong)i);
            cases.Add(Phantoms.NormalCase($"train_{i}", $"T{i}", phantom));
        }
        var normal = Phantoms.Make(folder, "normal", "40x40x8", seed: 11);
        cases.Add(new { id = "normal_1", patient = "N1", group = "normal", split = "test", ct = Path.GetFileName(normal.Ct), mask = Path.GetFileName(normal.Mask) });
        string covidCt = folder.File("covid_ct.nii.gz"), covidMask = folder.File("covid_mask.nii.gz");
        CliRunner.Expect(ExitCodes.Success, "phantom", "--size", "40x40x8", "--seed", "12", "--covid", "severe",
            "--out-ct", covidCt, "--out-mask", covidMask);
        cases.Add(new { id = "covid_1", patient = "C1", group = "covid", split = "test", ct = "covid_ct.nii.gz", mask = "covid_mask.nii.gz" });
        string manifest = Phantoms.WriteManifest(folder, "study.json", [.. cases]);
        string study = folder.File("study");

        // A relative output folder, as a user types it (it once ended in "file not found" at the evaluation step).
        string workingDirectory = Environment.CurrentDirectory;
        CliResult run;
        try
        {
            Environment.CurrentDirectory = Path.GetDirectoryName(study)!;
            run = CliRunner.Expect(ExitCodes.Success, "reproduce", manifest, "-o", "study", "--device", "cpu",
                "--epochs", "1", "--window", "16x16", "--batch-size", "2", "--seed", "1");
        }
        finally
        {
            Environment.CurrentDirectory = workingDirectory;
        }

        Assert.That(run.Out, Does.Contain("1/3 training").And.Contain("2/3 segmenting 2 test cases").And.Contain("3/3 evaluating"), run.ToString());
        Assert.That(run.Out, Does.Not.Contain("NaN"), "a group of one case has no standard deviation to print");
        Assert.That(File.Exists(Path.Combine(study, "training", "best.safetensors")), Is.True);
        var predictions = DatasetManifest.Load(Path.Combine(study, "predictions", "predictions.json"));
        Assert.That(predictions.Cases.Select(c => c.Group), Is.EquivalentTo(new[] { "normal", "covid" }));
        Assert.That(predictions.Cases.All(c => File.Exists(c.Prediction) && File.Exists(c.Probabilities)), Is.True);
        foreach (var file in new[] { "report.html", "report.md", "cases.csv", "roc.svg" })
            Assert.That(File.Exists(Path.Combine(study, "report", file)), Is.True, file);
        var csv = File.ReadAllLines(Path.Combine(study, "report", "cases.csv"));
        Assert.That(csv, Has.Length.EqualTo(3), "a header and one line per test case");
    }

    [Test]
    public void Reproduce_WithoutTestCases_IsAnInvalidInputNamingTheManifest()
    {
        using var folder = new TemporaryFolder();
        var phantom = Phantoms.Make(folder, "only", "32x32x8");
        string manifest = Phantoms.WriteManifest(folder, "m.json",
            Phantoms.NormalCase("a", "A", phantom));
        var run = CliRunner.Expect(ExitCodes.InvalidInput, "reproduce", manifest, "-o", folder.File("study"), "--device", "cpu");
        Assert.That(run.ErrorLines.Single(), Does.Contain(manifest).And.Contain("test"));
    }
}
