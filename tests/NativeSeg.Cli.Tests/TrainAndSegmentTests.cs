using System.Text.Json;
using NativeSeg.IO.Nifti;

namespace NativeSeg.Cli.Tests;

/// <summary>
/// The whole user journey on tiny phantoms: train a few steps, resume to the end of the epoch (which writes
/// best.safetensors after validation), then segment a CT with those weights.
/// </summary>
public sealed class TrainAndSegmentTests
{
    [Test]
    public void Train_Resume_ThenSegmentWithTheBestWeights()
    {
        using var folder = new TemporaryFolder();
        string output = folder.File("run");
        string[] train = TinyTraining.Arguments(TinyTraining.Manifest(folder), output);

        var nothingToResume = CliRunner.Expect(ExitCodes.InvalidInput, [.. train, "--resume"]);
        Assert.That(nothingToResume.ErrorLines.Single(), Does.Contain(Path.Combine(output, "checkpoint.safetensors")));

        var first = CliRunner.Expect(ExitCodes.Success, [.. train, "--max-steps", "2"]);
        Assert.That(first.Out, Does.Contain("Interrupted: 0 epochs, 2 steps, no epoch finished yet"), first.ToString());
        Assert.That(first.Out, Does.Contain("best weights: none yet"));
        Assert.That(File.Exists(Path.Combine(output, "checkpoint.safetensors")), Is.True);
        Assert.That(File.Exists(Path.Combine(output, "best.safetensors")), Is.False, "no epoch has ended yet");

        var resumed = CliRunner.Expect(ExitCodes.Success, [.. train, "--resume"]);
        Assert.That(resumed.Out, Does.Contain("Completed: 1 epochs, "), resumed.ToString());
        string weights = Path.Combine(output, "best.safetensors");
        Assert.That(File.Exists(weights), Is.True);
        Assert.That(File.Exists(Path.Combine(output, "training-log.csv")), Is.True);

        var input = Phantoms.Make(folder, "target", "48x48x8", seed: 7);
        string mask = folder.File("mask.nii.gz");
        var segment = CliRunner.Run("segment", input.Ct, "-o", mask, "--weights", weights, "--device", "cpu", "--json");

        // Weights trained for four steps may find no lung: the pipeline then refuses to write an empty mask
        // (InvalidInput, "The lung mask is empty."). Otherwise the mask must be on exactly the input's grid.
        if (segment.ExitCode == ExitCodes.InvalidInput)
        {
            Assert.That(segment.ErrorLines, Has.Length.EqualTo(1), segment.ToString());
            Assert.That(segment.ErrorLines[0], Does.Contain(input.Ct).And.Contain("The lung mask is empty."));
            Assert.That(File.Exists(mask), Is.False, "no empty mask is written");
            return;
        }
        Assert.That(segment.ExitCode, Is.EqualTo(ExitCodes.Success), segment.ToString());
        var ct = NiftiReader.ReadFloat(input.Ct);
        var written = NiftiReader.ReadMask(mask);
        Assert.That(written.Grid.SameGeometry(ct.Grid), Is.True, $"mask {written.Grid} vs CT {ct.Grid}");
        Assert.That(written.Voxels.Any(v => v != 0), Is.True);
        using var json = JsonDocument.Parse(segment.Out);
        Assert.That(json.RootElement.GetProperty("slices").GetInt32(), Is.EqualTo(8));
        Assert.That(json.RootElement.GetProperty("output").GetString(), Is.EqualTo(mask));
        Assert.That(json.RootElement.GetProperty("lungVolumeMl").GetDouble(), Is.GreaterThan(0));
        // The stage times account for the pipeline's total (each rounded to 0.01 s).
        var stages = json.RootElement.GetProperty("stageSeconds");
        double network = stages.GetProperty("network").GetDouble();
        double sum = stages.GetProperty("preprocessing").GetDouble() + network + stages.GetProperty("postprocessing").GetDouble();
        Assert.That(network, Is.GreaterThan(0));
        Assert.That(sum, Is.EqualTo(json.RootElement.GetProperty("seconds").GetDouble()).Within(0.03));
    }
}
