using System.Diagnostics;

namespace NativeSeg.Cli.Tests;

/// <summary>
/// An output that is an input (same path, another spelling, a symbolic or hard link, a file of an input DICOM
/// folder) is refused with exit 2 before any work: one error line naming it, every file in the folder unchanged.
/// The weights are garbage throughout: a command that got as far as reading them would fail differently.
/// </summary>
public sealed class OutputAliasTests
{
    private TemporaryFolder _folder = null!;
    private Phantoms.Files _phantom = null!;
    private string _weights = null!;

    [SetUp]
    public void MakeInputs()
    {
        _folder = new TemporaryFolder();
        _phantom = Phantoms.Make(_folder, "p", "32x32x8");
        _weights = _folder.File("garbage.safetensors");
        File.WriteAllBytes(_weights, new byte[4096]);
    }

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    private void ExpectRefused(string output, params string[] args)
    {
        var before = FolderSnapshot.Take(_folder.Path);
        var result = CliRunner.Expect(ExitCodes.UsageError, args);
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines[0], Does.Contain(output).And.Contain("input"), result.ToString());
        FolderSnapshot.AssertUnchanged(before, _folder.Path, "inputs unchanged, nothing left behind");
    }

    [TestCase("same path")]
    [TestCase("another spelling")]
    [TestCase("symbolic link")]
    [TestCase("hard link")]
    public void Segment_OutputThatIsTheInput_IsRefused(string how)
    {
        string output = how switch
        {
            "same path" => _phantom.Ct,
            "another spelling" => _folder.Path + "/./" + Path.GetFileName(_phantom.Ct),
            "symbolic link" => File.CreateSymbolicLink(_folder.File("link.nii.gz"), _phantom.Ct).FullName,
            _ => HardLink(_phantom.Ct, _folder.File("hard.nii.gz")),
        };
        ExpectRefused(output, "segment", _phantom.Ct, "-o", output, "--weights", _weights, "--device", "cpu");
    }

    [Test]
    public void Segment_ProbabilitiesOverTheWeights_AreRefused()
    {
        string link = File.CreateSymbolicLink(_folder.File("weights-link.nii.gz"), _weights).FullName;
        ExpectRefused(link, "segment", _phantom.Ct, "-o", _folder.File("mask.nii.gz"), "--probabilities", link, "--weights", _weights, "--device", "cpu");
    }

    [Test]
    public void Segment_OutputThatIsAFileOfTheInputDicomFolder_IsRefused()
    {
        string dicom = Path.Combine(_folder.Path, "dicom");
        Directory.CreateDirectory(dicom);
        // DICOM files may carry any name; this one happens to look like the requested output.
        string slice = Path.Combine(dicom, "IM0001.nii.gz");
        File.WriteAllBytes(slice, [1, 2, 3]);
        ExpectRefused(slice, "segment", dicom, "-o", slice, "--weights", _weights, "--device", "cpu");
    }

    [Test]
    public void Simulate_LesionsOverTheMask_AreRefused() =>
        ExpectRefused(_phantom.Mask, "simulate", "--ct", _phantom.Ct, "--mask", _phantom.Mask,
            "--out-ct", _folder.File("covid_ct.nii.gz"), "--out-lesions", _phantom.Mask);

    [Test]
    public void Simulate_CtOverTheCtThroughALink_IsRefused()
    {
        string link = File.CreateSymbolicLink(_folder.File("ct-link.nii.gz"), _phantom.Ct).FullName;
        ExpectRefused(link, "simulate", "--ct", _phantom.Ct, "--mask", _phantom.Mask, "--out-ct", link, "--out-lesions", _folder.File("lesions.nii.gz"));
    }

    [Test]
    public void ExportOnnx_OverTheWeights_IsRefused()
    {
        string weights = _folder.File("weights.onnx");
        File.Copy(_weights, weights);
        ExpectRefused(weights, "export-onnx", "--weights", weights, "-o", weights);
    }

    [Test]
    public void Evaluate_ReportFolderInsideAnInputFolder_IsRefused()
    {
        string dicom = Path.Combine(_folder.Path, "dicom");
        Directory.CreateDirectory(dicom);
        File.WriteAllBytes(Path.Combine(dicom, "IM0001"), [1, 2, 3]);
        string manifest = Phantoms.WriteManifest(_folder, "manifest.json", new
        {
            id = "c1", patient = "P1", group = "normal", ct = "dicom", mask = Path.GetFileName(_phantom.Mask), prediction = Path.GetFileName(_phantom.Mask),
        });
        string report = Path.Combine(dicom, "report");
        var before = FolderSnapshot.Take(_folder.Path);
        var result = CliRunner.Expect(ExitCodes.UsageError, "evaluate", manifest, "-o", report);
        Assert.That(result.ErrorLines.Single(), Does.Contain(report).And.Contain("input"));
        FolderSnapshot.AssertUnchanged(before, _folder.Path, "nothing written into the input folder");
    }

    [Test]
    public void Train_CheckpointThatIsAnInput_IsRefused()
    {
        string run = Path.Combine(_folder.Path, "run");
        Directory.CreateDirectory(run);
        // A checkpoint name that is really the CT (a link left by someone tidying up): training would overwrite it.
        string checkpoint = File.CreateSymbolicLink(Path.Combine(run, "checkpoint.safetensors"), _phantom.Ct).FullName;
        string manifest = Phantoms.WriteManifest(_folder, "train.json", new
        {
            id = "c1", patient = "P1", group = "normal", ct = Path.GetFileName(_phantom.Ct), mask = Path.GetFileName(_phantom.Mask),
        });
        ExpectRefused(checkpoint, "train", manifest, "-o", run, "--device", "cpu", "--epochs", "1");
    }

    [Test]
    public void Reproduce_PredictionThatIsTheReferenceMask_IsRefused()
    {
        string study = Path.Combine(_folder.Path, "study");
        Directory.CreateDirectory(Path.Combine(study, "predictions"));
        string prediction = File.CreateSymbolicLink(Path.Combine(study, "predictions", "c1_mask.nii.gz"), _phantom.Mask).FullName;
        string manifest = Phantoms.WriteManifest(_folder, "study.json", new
        {
            id = "c1", patient = "P1", group = "normal", split = "test", ct = Path.GetFileName(_phantom.Ct), mask = Path.GetFileName(_phantom.Mask),
        });
        ExpectRefused(prediction, "reproduce", manifest, "-o", study, "--weights", _weights, "--device", "cpu");
    }

    [Test]
    public void BuildDataset_InsideTheSharedData_IsRefused()
    {
        string shared = Path.Combine(_folder.Path, "shared");
        Directory.CreateDirectory(Path.Combine(shared, "lctsc"));
        string output = Path.Combine(shared, "built");
        ExpectRefused(output, "build-dataset", "--shared", shared, "--out", output);
    }

    [Test]
    public void Phantom_SamePathForTwoOutputs_IsRefused()
    {
        string same = _folder.File("out.nii.gz");
        var before = FolderSnapshot.Take(_folder.Path);
        var result = CliRunner.Expect(ExitCodes.UsageError, "phantom", "--size", "32x32x8", "--out-ct", same, "--out-mask", same);
        Assert.That(result.ErrorLines.Single(), Does.Contain(same).And.Contain("two outputs"));
        FolderSnapshot.AssertUnchanged(before, _folder.Path, "nothing written");
    }

    private static string HardLink(string target, string link)
    {
        using var ln = Process.Start(new ProcessStartInfo("ln", [target, link]) { UseShellExecute = false })!;
        ln.WaitForExit();
        Assert.That(ln.ExitCode, Is.Zero, "ln made the hard link");
        return link;
    }
}
