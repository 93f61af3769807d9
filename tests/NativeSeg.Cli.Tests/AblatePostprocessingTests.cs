using NativeSeg.IO.Nifti;

namespace NativeSeg.Cli.Tests;

/// <summary>`nativeseg ablate-postprocessing`: a row per case and step whose default step is `segment`'s mask, and the refusals.</summary>
public sealed class AblatePostprocessingTests
{
    [Test]
    public void EveryCaseIsScoredAtEveryStepAndTheDefaultStepIsSegmentsMask()
    {
        using var folder = new TemporaryFolder();
        var normal = Phantoms.Make(folder, "normal", "48x48x8", seed: 3);
        string covidCt = folder.File("covid_ct.nii.gz"), covidMask = folder.File("covid_mask.nii.gz");
        CliRunner.Expect(ExitCodes.Success, "phantom", "--size", "48x48x8", "--seed", "4", "--covid", "severe", "--out-ct", covidCt, "--out-mask", covidMask);
        string manifest = Phantoms.WriteManifest(folder, "cases.json",
            Phantoms.NormalCase("normal_1", "N1", normal),
            new { id = "covid_1", patient = "C1", group = "covid", severity = "severe", ct = "covid_ct.nii.gz", mask = "covid_mask.nii.gz" },
            new { id = "no_mask", patient = "X", group = "normal", ct = Path.GetFileName(normal.Ct) });
        string output = folder.File("ablation");

        var run = CliRunner.Expect(ExitCodes.Success, "ablate-postprocessing", manifest, "-o", output, "--device", "cpu", "--min-aerated-share", "1");

        var rows = File.ReadAllLines(Path.Combine(output, "ablation.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.That(rows, Has.Count.EqualTo(2 * 6), run.ToString());
        Assert.That(rows.Select(r => r[4]).Distinct(), Is.EqualTo(new[] { "Threshold", "Body", "Components", "Holes3D", "SliceHoles", "AeratedGuard" }));
        string segmented = folder.File("covid_seg.nii.gz");
        CliRunner.Expect(ExitCodes.Success, "segment", covidCt, "-o", segmented, "--device", "cpu");
        long segmentVoxels = NiftiReader.ReadMask(segmented).Voxels.LongCount(v => v != 0);
        Assert.That(long.Parse(rows.Single(r => r[0] == "covid_1" && r[4] == "Holes3D")[9], System.Globalization.CultureInfo.InvariantCulture),
            Is.EqualTo(segmentVoxels), "the default step is what segment writes");
        string guarded = folder.File("covid_guarded.nii.gz");
        CliRunner.Expect(ExitCodes.Success, "segment", covidCt, "-o", guarded, "--device", "cpu", "--min-aerated-share", "1");
        long guardedVoxels = NiftiReader.ReadMask(guarded).Voxels.LongCount(v => v != 0);
        Assert.That(long.Parse(rows.Single(r => r[0] == "covid_1" && r[4] == "AeratedGuard")[9], System.Globalization.CultureInfo.InvariantCulture),
            Is.EqualTo(guardedVoxels).And.LessThan(segmentVoxels), "the guard step is what segment writes with the same share");
        string markdown = File.ReadAllText(Path.Combine(output, "ablation.md"));
        Assert.That(markdown, Does.Contain("| covid severe | 1 |").And.Contain("| normal | 1 |").And.Contain("AeratedGuard − Holes3D"), markdown);
    }

    [Test]
    public void AnUnknownCaseIsAUsageErrorAndAManifestWithoutMasksIsNamed()
    {
        using var folder = new TemporaryFolder();
        var phantom = Phantoms.Make(folder, "p", "32x32x8");
        string withMask = Phantoms.WriteManifest(folder, "m.json",
            Phantoms.NormalCase("a", "A", phantom));
        string output = folder.File("ablation");
        var unknown = CliRunner.Expect(ExitCodes.UsageError, "ablate-postprocessing", withMask, "-o", output, "--cases", "b");
        Assert.That(unknown.ErrorLines.Single(), Does.Contain("b").And.Contain("m.json"), unknown.ToString());
        string withoutMask = Phantoms.WriteManifest(folder, "n.json",
            new { id = "a", patient = "A", group = "normal", ct = Path.GetFileName(phantom.Ct) });
        var none = CliRunner.Expect(ExitCodes.InvalidInput, "ablate-postprocessing", withoutMask, "-o", output);
        Assert.That(none.ErrorLines.Single(), Does.Contain("n.json").And.Contain("reference mask"), none.ToString());
        Assert.That(Directory.Exists(output), Is.False, "nothing written for a refused run");
        foreach (string share in new[] { "0", "1.5" })
        {
            var badShare = CliRunner.Expect(ExitCodes.UsageError, "ablate-postprocessing", withMask, "-o", output, "--min-aerated-share", share);
            Assert.That(badShare.ErrorLines.Single(), Does.Contain("--min-aerated-share"), badShare.ToString());
        }
        Assert.That(Directory.Exists(output), Is.False);
    }
}
