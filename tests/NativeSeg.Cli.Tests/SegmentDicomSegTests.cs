using System.Security.Cryptography;
using System.Text.Json;
using NativeSeg.IO.Dicom;
using NativeSeg.IO.Dicom.Writing;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Tests.Dicom.Writing;
using NativeSeg.IO.Volumes;
using NativeSeg.Tests.Shared;

namespace NativeSeg.Cli.Tests;

/// <summary>
/// `segment DICOM -o mask.nii.gz --dicom-seg lungs.dcm --statistics stats.json --labels lr` on ten real Case_009
/// slices (one network run for the fixture): the SEG holds exactly the NIfTI mask (our reader and pydicom), passes
/// dciodvfy, and the statistics match a recount from the written mask and the CT. The refusals need no network.
/// </summary>
public sealed class SegmentDicomSegTests
{
    private TemporaryFolder _folder = null!;
    private string _input = null!, _nifti = null!, _seg = null!, _rtStruct = null!, _statistics = null!;
    private CliResult _run = null!;

    [OneTimeSetUp]
    public void SegmentOnce()
    {
        _folder = new TemporaryFolder();
        _input = RealSeries.CopyCase009(_folder.File("case009"), 45, 10);
        _nifti = _folder.File("mask.nii.gz");
        _seg = _folder.File("lungs.dcm");
        _statistics = _folder.File("stats.json");
        _rtStruct = _folder.File("lungs_rtstruct.dcm");
        _run = CliRunner.Expect(ExitCodes.Success, "segment", _input, "-o", _nifti, "--dicom-seg", _seg, "--rtstruct", _rtStruct, "--statistics", _statistics,
            "--labels", "lr", "--device", "cpu", "--quiet");
    }

    [OneTimeTearDown]
    public void Delete() => _folder.Dispose();

    [Test]
    public void TheSegHoldsTheNiftiMaskVoxelForVoxel()
    {
        var ct = DicomSeriesReader.ReadSeries(_input).Volume;
        var mask = VolumeAlignment.OntoGrid(NiftiReader.ReadMask(_nifti), ct.Grid, _nifti);
        var fromSeg = DicomSegmentationReader.Read(_seg).ToLabelVolume(ct.Grid);
        Assert.That(mask.Voxels.Count(v => v == 1), Is.GreaterThan(10_000), "a real right lung");
        Assert.That(mask.Voxels.Count(v => v == 2), Is.GreaterThan(10_000), "a real left lung");
        Assert.That(Enumerable.Range(0, mask.Voxels.Length).Count(i => mask.Voxels[i] != fromSeg.Voxels[i]), Is.Zero);
    }

    [Test]
    public void PydicomAndDciodvfyAgree()
    {
        var check = ExternalTool.Run("/usr/bin/python3", RealSeries.SegCheckScript, _seg, _nifti);
        Assert.That(check.ExitCode, Is.EqualTo(0), check.ToString());
        var json = JsonDocument.Parse(check.Out).RootElement;
        Assert.That(json.GetProperty("mismatches").GetInt64(), Is.Zero);
        Assert.That(json.GetProperty("off_grid").GetInt64(), Is.Zero);
        Assert.That(json.GetProperty("referenced_instances").GetInt32(), Is.EqualTo(10));
        Assert.That(json.GetProperty("segments").EnumerateArray().Select(s => s.GetProperty("type")[0].GetString()), Is.EqualTo(new[] { "3341006", "44029006" }));
        Assert.That(json.GetProperty("segments")[0].GetProperty("algorithm_parameters").GetString(), Does.Contain("weights_sha256=" + WeightsSha256()));
        string shippedThreshold = NativeSeg.Model.Weights.WeightsFile.Load(RepositoryPaths.ShippedWeights).Metadata.ThresholdOr(null).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(json.GetProperty("segments")[0].GetProperty("algorithm_parameters").GetString(), Does.EndWith(";threshold=" + shippedThreshold), "the cut the mask was made at");

        var verify = ExternalTool.Run("dciodvfy", _seg);
        string all = verify.Out + verify.Err;
        Assert.That(all.Split('\n').Where(l => l.StartsWith("Error", StringComparison.Ordinal)), Is.Empty, all);
    }

    [Test]
    public void TheRtStructOutlinesFillToTheNiftiMask()
    {
        string script = RepositoryPaths.InRepository("tests", "NativeSeg.IO.Tests", "Fixtures", "Seg", "rtstruct_check.py");
        var check = ExternalTool.Run("/usr/bin/python3", script, _rtStruct, _nifti);
        Assert.That(check.ExitCode, Is.EqualTo(0), check.ToString());
        var json = JsonDocument.Parse(check.Out).RootElement;
        Assert.That(json.GetProperty("mismatches").GetInt64(), Is.Zero);
        Assert.That(json.GetProperty("off_plane").GetInt32(), Is.Zero);
        Assert.That(json.GetProperty("voxels").GetInt64(), Is.GreaterThan(20_000));
        Assert.That(json.GetProperty("rois").EnumerateArray().Select(r => r.GetProperty("name").GetString()), Is.EqualTo(new[] { "Right lung", "Left lung" }));
        var verify = ExternalTool.Run("dciodvfy", _rtStruct);
        string all = verify.Out + verify.Err;
        Assert.That(all.Split('\n').Where(l => l.StartsWith("Error", StringComparison.Ordinal)), Is.Empty, all);
    }

    [Test]
    public void StatisticsMatchARecountOfTheWrittenMask()
    {
        var ct = DicomSeriesReader.ReadSeries(_input).Volume;
        var mask = VolumeAlignment.OntoGrid(NiftiReader.ReadMask(_nifti), ct.Grid, _nifti);
        var report = JsonDocument.Parse(File.ReadAllText(_statistics)).RootElement;
        Assert.That(report.GetProperty("weightsSha256").GetString(), Is.EqualTo(WeightsSha256()));
        Assert.That(report.GetProperty("toolVersion").GetString(), Is.Not.Empty);
        Assert.That(report.GetProperty("seriesInstanceUid").GetString(), Is.EqualTo(DicomSeriesReader.ListSeries(_input)[0].SeriesInstanceUid));
        var labels = report.GetProperty("labels").EnumerateArray().ToDictionary(l => l.GetProperty("label").GetString()!);
        double voxelMl = ct.Grid.VoxelVolume / 1000;
        foreach (var (name, selected) in new (string, Func<byte, bool>)[] { ("lung", v => v != 0), ("right", v => v == 1), ("left", v => v == 2) })
        {
            var hu = new List<double>();
            var slices = new SortedSet<int>();
            for (int i = 0; i < mask.Voxels.Length; i++)
                if (selected(mask.Voxels[i])) { hu.Add(ct.Voxels[i]); slices.Add(i / ct.Grid.SliceLength); }
            hu.Sort();
            double median = hu.Count % 2 == 1 ? hu[hu.Count / 2] : (hu[hu.Count / 2 - 1] + hu[hu.Count / 2]) / 2;
            var l = labels[name];
            Assert.Multiple(() =>
            {
                Assert.That(l.GetProperty("voxels").GetInt64(), Is.EqualTo(hu.Count), name);
                Assert.That(l.GetProperty("volumeMl").GetDouble(), Is.EqualTo(hu.Count * voxelMl).Within(1e-9).Percent, name);
                Assert.That(l.GetProperty("meanHu").GetDouble(), Is.EqualTo(hu.Average()).Within(1e-9).Percent, name);
                Assert.That(l.GetProperty("medianHu").GetDouble(), Is.EqualTo(median), name);
                Assert.That(l.GetProperty("fractionBelowMinus950Hu").GetDouble(), Is.EqualTo(hu.Count(v => v < -950) / (double)hu.Count).Within(1e-12), name);
                Assert.That(l.GetProperty("fractionMinus700ToMinus100Hu").GetDouble(), Is.EqualTo(hu.Count(v => v >= -700 && v <= -100) / (double)hu.Count).Within(1e-12), name);
                Assert.That(l.GetProperty("firstSlice").GetInt32(), Is.EqualTo(slices.Min), name);
                Assert.That(l.GetProperty("lastSlice").GetInt32(), Is.EqualTo(slices.Max), name);
            });
        }
    }

    [Test]
    public void ADicomSegOfANiftiInputIsRefusedBeforeAnyWork()
    {
        using var folder = new TemporaryFolder();
        foreach (var args in new[] { new[] { "-o", folder.File("lungs.dcm") }, ["-o", folder.File("m.nii.gz"), "--dicom-seg", folder.File("lungs.dcm")], ["--rtstruct", folder.File("rt.dcm")] })
        {
            var result = CliRunner.Expect(ExitCodes.UsageError, ["segment", RealSeries.Case009Nifti, .. args, "--device", "cpu"]);
            Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
            Assert.That(result.ErrorLines[0], Does.Contain("Case_009_ct.nii.gz").And.Contain("no DICOM instances"));
            Assert.That(Directory.GetFiles(folder.Path), Is.Empty);
        }
    }

    [TestCase("--statistics", "stats.txt", "must end in .json or .csv")]
    [TestCase("--dicom-seg", "lungs.nii.gz", "ends in .dcm")]
    [TestCase("--rtstruct", "lungs.nii.gz", "ends in .dcm")]
    [TestCase("-o", "lungs.png", "DICOM Segmentation (.dcm)")]
    public void WrongOutputNamesAreUsageErrors(string option, string name, string message)
    {
        using var folder = new TemporaryFolder();
        string[] output = option == "-o" ? [] : ["-o", folder.File("m.nii.gz")];
        var result = CliRunner.Expect(ExitCodes.UsageError, ["segment", RealSeries.Case009Folder, .. output, option, folder.File(name), "--device", "cpu"]);
        Assert.That(result.ErrorLines.Single(), Does.Contain(message));
        Assert.That(Directory.GetFiles(folder.Path), Is.Empty);
    }

    [Test]
    public void SeveralInputsNeedAnOutputFolder()
    {
        using var folder = new TemporaryFolder();
        var result = CliRunner.Expect(ExitCodes.UsageError, "segment", RealSeries.Case009Folder, RealSeries.Case009Nifti, "-o", folder.File("m.nii.gz"));
        Assert.That(result.ErrorLines.Single(), Does.Contain("--output-folder"));
    }

    private static string WeightsSha256()
    {
        using var stream = File.OpenRead(RepositoryPaths.ShippedWeights);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
