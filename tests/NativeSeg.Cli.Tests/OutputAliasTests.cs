using System.Diagnostics;

namespace NativeSeg.Cli.Tests;

/// <summary>
/// An output that is an input (same path, another spelling, a symbolic or hard link, a file of an input DICOM
/// folder) is refused with exit 2 before any work: one error line naming it, every file in the folder unchanged.
/// The weights are garbage throughout: a command that got as far as reading them would fail differently.
/// </summary>
public sealed class OutputAliasTests : PhantomWithGarbageWeightsTest
{
    private void ExpectRefused(string output, params string[] args)
    {
        var before = FolderSnapshot.Take(Folder.Path);
        var result = CliRunner.Expect(ExitCodes.UsageError, args);
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines[0], Does.Contain(output).And.Contain("input"), result.ToString());
        FolderSnapshot.AssertUnchanged(before, Folder.Path, "inputs unchanged, nothing left behind");
    }

    [TestCase("same path")]
    [TestCase("another spelling")]
    [TestCase("symbolic link")]
    [TestCase("hard link")]
    public void Segment_OutputThatIsTheInput_IsRefused(string how)
    {
        string output = how switch
        {
            "same path" => Phantom.Ct,
            "another spelling" => Folder.Path + "/./" + Path.GetFileName(Phantom.Ct),
            "symbolic link" => File.CreateSymbolicLink(Folder.File("link.nii.gz"), Phantom.Ct).FullName,
            _ => HardLink(Phantom.Ct, Folder.File("hard.nii.gz")),
        };
        ExpectRefused(output, "segment", Phantom.Ct, "-o", output, "--weights", GarbageWeights, "--device", "cpu");
    }

    [Test]
    public void Segment_ProbabilitiesOverTheWeights_AreRefused()
    {
        string link = File.CreateSymbolicLink(Folder.File("weights-link.nii.gz"), GarbageWeights).FullName;
        ExpectRefused(link, "segment", Phantom.Ct, "-o", Folder.File("mask.nii.gz"), "--probabilities", link, "--weights", GarbageWeights, "--device", "cpu");
    }

    [Test]
    public void Segment_OutputThatIsAFileOfTheInputDicomFolder_IsRefused()
    {
        string dicom = Path.Combine(Folder.Path, "dicom");
        Directory.CreateDirectory(dicom);
        // DICOM files may carry any name; this one happens to look like the requested output.
        string slice = Path.Combine(dicom, "IM0001.nii.gz");
        File.WriteAllBytes(slice, [1, 2, 3]);
        ExpectRefused(slice, "segment", dicom, "-o", slice, "--weights", GarbageWeights, "--device", "cpu");
    }

    [Test]
    public void Simulate_LesionsOverTheMask_AreRefused() =>
        ExpectRefused(Phantom.Mask, "simulate", "--ct", Phantom.Ct, "--mask", Phantom.Mask,
            "--out-ct", Folder.File("covid_ct.nii.gz"), "--out-lesions", Phantom.Mask);

    [Test]
    public void Simulate_CtOverTheCtThroughALink_IsRefused()
    {
        string link = File.CreateSymbolicLink(Folder.File("ct-link.nii.gz"), Phantom.Ct).FullName;
        ExpectRefused(link, "simulate", "--ct", Phantom.Ct, "--mask", Phantom.Mask, "--out-ct", link, "--out-lesions", Folder.File("lesions.nii.gz"));
    }

    [Test]
    public void ExportOnnx_OverTheWeights_IsRefused()
    {
        string weights = Folder.File("weights.onnx");
        File.Copy(GarbageWeights, weights);
        ExpectRefused(weights, "export-onnx", "--weights", weights, "-o", weights);
    }

    [Test]
    public void Evaluate_ReportFolderInsideAnInputFolder_IsRefused()
    {
        string dicom = Path.Combine(Folder.Path, "dicom");
        Directory.CreateDirectory(dicom);
        File.WriteAllBytes(Path.Combine(dicom, "IM0001"), [1, 2, 3]);
        string manifest = Phantoms.WriteManifest(Folder, "manifest.json", new
        {
            id = "c1", patient = "P1", group = "normal", ct = "dicom", mask = Path.GetFileName(Phantom.Mask), prediction = Path.GetFileName(Phantom.Mask),
        });
        string report = Path.Combine(dicom, "report");
        var before = FolderSnapshot.Take(Folder.Path);
        var result = CliRunner.Expect(ExitCodes.UsageError, "evaluate", manifest, "-o", report);
        Assert.That(result.ErrorLines.Single(), Does.Contain(report).And.Contain("input"));
        FolderSnapshot.AssertUnchanged(before, Folder.Path, "nothing written into the input folder");
    }

    [Test]
    public void Train_CheckpointThatIsAnInput_IsRefused()
    {
        string run = Path.Combine(Folder.Path, "run");
        Directory.CreateDirectory(run);
        // A checkpoint name that is really the CT (a link left by someone tidying up): training would overwrite it.
        string checkpoint = File.CreateSymbolicLink(Path.Combine(run, "checkpoint.safetensors"), Phantom.Ct).FullName;
        string manifest = Phantoms.WriteManifest(Folder, "train.json", new
        {
            id = "c1", patient = "P1", group = "normal", ct = Path.GetFileName(Phantom.Ct), mask = Path.GetFileName(Phantom.Mask),
        });
        ExpectRefused(checkpoint, "train", manifest, "-o", run, "--device", "cpu", "--epochs", "1");
    }

    [Test]
    public void Reproduce_PredictionThatIsTheReferenceMask_IsRefused()
    {
        string study = Path.Combine(Folder.Path, "study");
        Directory.CreateDirectory(Path.Combine(study, "predictions"));
        string prediction = File.CreateSymbolicLink(Path.Combine(study, "predictions", "c1_mask.nii.gz"), Phantom.Mask).FullName;
        string manifest = Phantoms.WriteManifest(Folder, "study.json", new
        {
            id = "c1", patient = "P1", group = "normal", split = "test", ct = Path.GetFileName(Phantom.Ct), mask = Path.GetFileName(Phantom.Mask),
        });
        ExpectRefused(prediction, "reproduce", manifest, "-o", study, "--weights", GarbageWeights, "--device", "cpu");
    }

    [Test]
    public void BuildDataset_InsideTheSharedData_IsRefused()
    {
        string shared = Path.Combine(Folder.Path, "shared");
        Directory.CreateDirectory(Path.Combine(shared, "lctsc"));
        string output = Path.Combine(shared, "built");
        ExpectRefused(output, "build-dataset", "--shared", shared, "--out", output);
    }

    [Test]
    public void Phantom_SamePathForTwoOutputs_IsRefused()
    {
        string same = Folder.File("out.nii.gz");
        var before = FolderSnapshot.Take(Folder.Path);
        var result = CliRunner.Expect(ExitCodes.UsageError, "phantom", "--size", "32x32x8", "--out-ct", same, "--out-mask", same);
        Assert.That(result.ErrorLines.Single(), Does.Contain(same).And.Contain("two outputs"));
        FolderSnapshot.AssertUnchanged(before, Folder.Path, "nothing written");
    }

    private static string HardLink(string target, string link)
    {
        using var ln = Process.Start(new ProcessStartInfo("ln", [target, link]) { UseShellExecute = false })!;
        ln.WaitForExit();
        Assert.That(ln.ExitCode, Is.Zero, "ln made the hard link");
        return link;
    }
}
