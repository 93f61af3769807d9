using NativeSeg.Cli.Segmentation;
using NativeSeg.IO.Dicom;
using NativeSeg.IO.Dicom.Writing;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Tests.Dicom.Writing;
using NativeSeg.IO.Volumes;
using NativeSeg.Tests.Shared;

namespace NativeSeg.Cli.Tests;

/// <summary>
/// `segment studies/ Case_009_ct.nii.gz --output-folder out --output-format nii.gz,dcm --statistics out/stats.csv` over
/// a folder of real series with bad ones mixed in: eight Case_009 slices and eight Chest Imaging Platform slices
/// (implicit VR) are segmented; the GE series with a truncated slice, an unreadable file, and the NIfTI (no instances
/// for a DICOM-SEG) fail with their reasons; the LIDC slices without a Modality are passed over. Then a re-run skips
/// the finished series, and a list file names inputs relative to itself. One network run (16 slices) for the fixture.
/// </summary>
public sealed class BatchSegmentTests
{
    private TemporaryFolder _folder = null!;
    private string _studies = null!, _out = null!, _statistics = null!;
    private CliResult _first = null!, _second = null!;
    private Dictionary<string, DateTime> _writtenFirst = null!;

    private static readonly string[] Columns = BatchSegmentation.SummaryCsvHeader.Split(',');

    [OneTimeSetUp]
    public void RunTwice()
    {
        _folder = new TemporaryFolder();
        _studies = _folder.File("studies");
        RealSeries.CopyCase009(Path.Combine(_studies, "case009"), 46, 8);
        string cip = Path.Combine(_studies, "cip");
        Directory.CreateDirectory(cip);
        for (int i = 36; i < 44; i++)
            File.Copy(RepositoryPaths.SharedData("cip", "ct-64_dicom", $"IMG{i:D4}.dcm"), Path.Combine(cip, $"IMG{i:D4}.dcm"));
        string ge = RealSeries.CopyGeSlices(Path.Combine(_studies, "ge_truncated"));
        using (var stream = new FileStream(Path.Combine(ge, "slice002.dcm"), FileMode.Open)) stream.SetLength(300_000); // header intact, pixels cut
        string lidc = Path.Combine(_studies, "lidc_no_modality");
        Directory.CreateDirectory(lidc);
        foreach (string name in new[] { "0.dcm", "1.dcm" })
            File.Copy(RepositoryPaths.SharedData("dicom", "lungmask", name), Path.Combine(lidc, name));
        var garbage = new byte[4096];
        new Random(18).NextBytes(garbage);
        "DICM"u8.CopyTo(garbage.AsSpan(128));
        File.WriteAllBytes(Path.Combine(_studies, "garbage.dcm"), garbage);

        _out = _folder.File("out");
        _statistics = Path.Combine(_out, "stats.csv");
        string[] args = ["segment", _studies, RealSeries.Case009Nifti, "--output-folder", _out, "--output-format", "nii.gz,dcm,rtstruct",
            "--statistics", _statistics, "--device", "cpu"];
        _first = CliRunner.Expect(ExitCodes.BatchFailures, args);
        _writtenFirst = Directory.GetFiles(_out).Where(f => f.Contains("_lungs") || f.EndsWith("_statistics.json")).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        _second = CliRunner.Expect(ExitCodes.BatchFailures, args);
    }

    [OneTimeTearDown]
    public void Delete() => _folder.Dispose();

    private List<Dictionary<string, string>> Summary() => ReadCsv(Path.Combine(_out, "summary.csv"), Columns);

    [Test]
    public void RealSeriesAreWrittenByPatternAndBadOnesFailWithTheirReasons()
    {
        var rows = Summary();
        TestContext.Out.WriteLine(_first.Out);
        string case009Uid = DicomSeriesReader.ListSeries(Path.Combine(_studies, "case009"))[0].SeriesInstanceUid;
        string cipUid = DicomSeriesReader.ListSeries(Path.Combine(_studies, "cip"))[0].SeriesInstanceUid;
        var ok = rows.Where(r => r["status"] == "skipped").ToList(); // the summary is the second run's
        Assert.That(ok.Select(r => r["series_instance_uid"]), Is.EquivalentTo(new[] { case009Uid, cipUid }));
        foreach (var (patient, uid) in new[] { ("Case_009", case009Uid), ("123456", cipUid) })
        {
            string stem = $"{patient}_{uid}";
            foreach (string suffix in new[] { "_lungs.nii.gz", "_lungs.dcm", "_lungs_rtstruct.dcm", "_statistics.json" })
                Assert.That(File.Exists(Path.Combine(_out, stem + suffix)), Is.True, stem + suffix);
        }

        var failed = rows.Where(r => r["status"] == "failed").ToList();
        Assert.That(failed, Has.Count.EqualTo(3), string.Join("\n", failed.Select(r => r["input"] + ": " + r["reason"])));
        Assert.That(failed.Single(r => r["input"].EndsWith("garbage.dcm")).GetValueOrDefault("reason"), Does.Contain("corrupt DICOM"));
        Assert.That(failed.Single(r => r["input"].EndsWith("Case_009_ct.nii.gz"))["reason"], Does.Contain("no DICOM instances"));
        Assert.That(failed.Single(r => r["series_instance_uid"] == "1.2.840.113619.2.55.3.2831167752.730.1291133229.133.3")["reason"], Does.Contain("slice002.dcm"));
        Assert.That(rows.Single(r => r["status"] == "ignored")["reason"], Does.Contain("not CT"));
        Assert.That(Directory.GetFiles(_out).Where(f => Path.GetFileName(f).Contains("COPD") || Path.GetFileName(f).StartsWith("unknown")), Is.Empty,
            "a failed series writes nothing");
        Assert.That(Directory.GetFiles(_out, ".nativeseg-tmp-*"), Is.Empty, "no temporaries left");
    }

    [Test]
    public void EachSeriesHasAStatusLineAndTheExitCodeSaysSomeFailed()
    {
        var first = _first.Out.Split('\n');
        Assert.That(first.Count(l => l.Contains("] ok ")), Is.EqualTo(2), _first.Out);
        Assert.That(first.Count(l => l.Contains("] FAILED ")), Is.EqualTo(3), _first.Out);
        Assert.That(first.Count(l => l.Contains("] ignored ")), Is.EqualTo(1), _first.Out);
        Assert.That(_first.Err, Does.Not.Contain("   at "), "no stack trace");
        var second = _second.Out.Split('\n');
        Assert.That(second.Count(l => l.Contains("] skipped ")), Is.EqualTo(2), _second.Out);
        Assert.That(second.Count(l => l.Contains("] FAILED ")), Is.EqualTo(3), _second.Out);
    }

    [Test]
    public void ARerunSkipsFinishedSeriesWithoutTouchingThem()
    {
        Assert.That(_writtenFirst, Has.Count.EqualTo(8), "two series × mask, SEG, RT Structure Set, statistics");
        foreach (var (file, time) in _writtenFirst)
            Assert.That(File.GetLastWriteTimeUtc(file), Is.EqualTo(time), file);
        // The skipped series still carry their numbers into the summary and the statistics.
        foreach (var row in Summary().Where(r => r["status"] == "skipped"))
            Assert.That(double.Parse(row["lung_ml"], System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThan(100));
        var statistics = ReadCsv(_statistics, StatisticsReport.CsvHeader.Split(','));
        Assert.That(statistics, Has.Count.EqualTo(6), "two series × lung, right, left");
        Assert.That(statistics.Select(r => r["label"]).Distinct(), Is.EquivalentTo(new[] { "lung", "right", "left" }));
        Assert.That(statistics.Select(r => r["weights_sha256"]).Distinct().Single(), Has.Length.EqualTo(64));
    }

    [Test]
    public void EachSegHoldsItsNiftiMask()
    {
        foreach (string rt in Directory.GetFiles(_out, "*_lungs_rtstruct.dcm"))
        {
            var verify = ExternalTool.Run("dciodvfy", rt);
            string all = verify.Out + verify.Err;
            Assert.That(all.Split('\n').Where(l => l.StartsWith("Error", StringComparison.Ordinal)), Is.Empty, all);
        }
        foreach (string seg in Directory.GetFiles(_out, "*_lungs.dcm"))
        {
            string nifti = seg[..^".dcm".Length] + ".nii.gz";
            var source = DicomSegmentationReader.Read(seg);
            string input = source.ReferencedSeriesInstanceUid == DicomSeriesReader.ListSeries(Path.Combine(_studies, "cip"))[0].SeriesInstanceUid
                ? Path.Combine(_studies, "cip") : Path.Combine(_studies, "case009");
            var grid = DicomSeriesReader.ReadSeries(input).Volume.Grid;
            var mask = VolumeAlignment.OntoGrid(NiftiReader.ReadMask(nifti), grid, nifti);
            var fromSeg = source.ToLabelVolume(grid);
            Assert.That(mask.Voxels.Count(v => v != 0), Is.GreaterThan(1000), nifti);
            Assert.That(Enumerable.Range(0, mask.Voxels.Length).Count(i => mask.Voxels[i] != fromSeg.Voxels[i]), Is.Zero, seg);
            var verify = ExternalTool.Run("dciodvfy", seg);
            string all = verify.Out + verify.Err;
            Assert.That(all.Split('\n').Where(l => l.StartsWith("Error", StringComparison.Ordinal)), Is.Empty, all);
        }
    }

    [Test]
    public void AListFileNamesInputsRelativeToItselfAndAllDoneExitsZero()
    {
        string list = _folder.File("inputs.txt");
        File.WriteAllLines(list, ["# the finished Case_009 series", "", "studies/case009"]);
        var result = CliRunner.Expect(ExitCodes.Success, "segment", "--list", list, "--output-folder", _out, "--output-format", "rtstruct,nii.gz,dcm",
            "--summary", _folder.File("list-summary.csv"), "--device", "cpu");
        Assert.That(result.Out, Does.Contain("] skipped "));
        Assert.That(ReadCsv(_folder.File("list-summary.csv"), Columns).Single()["status"], Is.EqualTo("skipped"));
    }

    [Test]
    public void AnotherThresholdMakesTheOutputsAgainAndTheSameOneSkips()
    {
        var (copy, statisticsJson) = CopyOfFinishedCase009("rethreshold");
        float shipped = StatisticsReport.ReadJson(statisticsJson).Threshold!.Value;
        Assert.That(shipped, Is.Not.EqualTo(0.7f), "the re-run below must ask for another cut than the finished one");
        string[] args = ["segment", Path.Combine(_studies, "case009"), "--output-folder", copy, "--output-format", "nii.gz,dcm,rtstruct",
            "--summary", _folder.File("rethreshold-summary.csv"), "--device", "cpu", "--threshold", "0.7"];

        var again = CliRunner.Expect(ExitCodes.Success, args);
        var row = ReadCsv(_folder.File("rethreshold-summary.csv"), Columns).Single();
        Assert.That(row["status"], Is.EqualTo("ok"), again.Out);
        Assert.That(row["reason"], Does.Contain($"at threshold {shipped.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}"));
        Assert.That(again.Out, Does.Contain("replaced the outputs of highresnet2d-lung.safetensors"));
        Assert.That(StatisticsReport.ReadJson(statisticsJson).Threshold, Is.EqualTo(0.7f));

        var same = CliRunner.Expect(ExitCodes.Success, args);
        Assert.That(same.Out, Does.Contain("] skipped "));
        Assert.That(ReadCsv(_folder.File("rethreshold-summary.csv"), Columns).Single()["status"], Is.EqualTo("skipped"));
    }

    [Test]
    public void TheAeratedLungGuardMakesTheOutputsAgainAndTheSameShareSkips()
    {
        var (copy, statisticsJson) = CopyOfFinishedCase009("reguard");
        Assert.That(StatisticsReport.ReadJson(statisticsJson).MinAeratedShare ?? 0, Is.Not.EqualTo(0.3), "the re-run below must ask for another guard");
        string[] args = ["segment", Path.Combine(_studies, "case009"), "--output-folder", copy, "--output-format", "nii.gz,dcm,rtstruct",
            "--summary", _folder.File("reguard-summary.csv"), "--device", "cpu", "--min-aerated-share", "0.3"];

        var again = CliRunner.Expect(ExitCodes.Success, args);
        Assert.That(ReadCsv(_folder.File("reguard-summary.csv"), Columns).Single()["status"], Is.EqualTo("ok"), again.Out);
        Assert.That(again.Out, Does.Contain("replaced the outputs of highresnet2d-lung.safetensors"));
        Assert.That(StatisticsReport.ReadJson(statisticsJson).MinAeratedShare, Is.EqualTo(0.3));
        string seg = Directory.GetFiles(copy, "*_lungs.dcm").Single();
        Assert.That(System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(seg)), Does.Contain(";min_aerated_share=0.3"),
            "the DICOM Segmentation's AlgorithmParameters name the guard");

        var same = CliRunner.Expect(ExitCodes.Success, args);
        Assert.That(same.Out, Does.Contain("] skipped "));
    }

    [Test]
    public void BatchOptionsAreCheckedBeforeAnyWork()
    {
        using var folder = new TemporaryFolder();
        string outFolder = Path.Combine(folder.Path, "out");
        Assert.That(CliRunner.Expect(ExitCodes.UsageError, "segment", _studies, "--output-folder", outFolder, "--output-format", "png").ErrorLines.Single(),
            Does.Contain("--output-format"));
        Assert.That(CliRunner.Expect(ExitCodes.UsageError, "segment", _studies, "--output-folder", outFolder, "--statistics", folder.File("s.json")).ErrorLines.Single(),
            Does.Contain(".csv"));
        Assert.That(CliRunner.Expect(ExitCodes.UsageError, "segment", _studies, "--output-folder", outFolder, "-o", folder.File("m.nii.gz")).ErrorLines.Single(),
            Does.Contain("--output"));
        Assert.That(CliRunner.Expect(ExitCodes.UsageError, "segment", _studies, "--output-folder", Path.Combine(_studies, "out")).ErrorLines.Single(),
            Does.Contain("inside the input folder"));
        Assert.That(Directory.Exists(outFolder), Is.False);
    }

    /// <summary>
    /// A copy of the finished Case_009 series' outputs (the shipped file's own threshold, no guard) in a folder of
    /// its own, so that the fixture's folder stays as the other tests read it; the folder and its statistics file.
    /// </summary>
    private (string Folder, string StatisticsJson) CopyOfFinishedCase009(string name)
    {
        string copy = _folder.File(name);
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.GetFiles(_out, "Case_009_*"))
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        return (copy, Directory.GetFiles(copy, "*_statistics.json").Single());
    }

    /// <summary>A CSV as NativeSeg writes it (RFC 4180 quoting), checked against the expected header.</summary>
    private static List<Dictionary<string, string>> ReadCsv(string path, string[] header)
    {
        var lines = File.ReadAllLines(path);
        Assert.That(lines[0], Is.EqualTo(string.Join(",", header)));
        return lines.Skip(1).Where(l => l.Length > 0).Select(line =>
        {
            var fields = SplitCsv(line);
            Assert.That(fields, Has.Count.EqualTo(header.Length), line);
            return header.Zip(fields).ToDictionary(p => p.First, p => p.Second);
        }).ToList();
    }

    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }
}
