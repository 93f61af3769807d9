using NativeSeg.Engine.Cpu;
using NativeSeg.Model.Network;
using NativeSeg.Model.Weights;

namespace NativeSeg.Cli.Tests;

public sealed class ExportOnnxCommandTests
{
    [Test]
    public void ExportOnnx_WritesAnOnnxModelOfTheWeights()
    {
        using var folder = new TemporaryFolder();
        string weights = SavedWeights(folder, new WeightsMetadata());
        string model = folder.File("model.onnx");

        var run = CliRunner.Expect(ExitCodes.Success, "export-onnx", "-o", model, "--weights", weights);

        Assert.That(run.Out, Does.Contain("wrote " + model));
        var bytes = File.ReadAllBytes(model);
        // ModelProto starts with field 1 (ir_version, varint): tag byte 0x08. 274,132 float32 weights ≈ 1.1 MB.
        Assert.That(bytes[0], Is.EqualTo(0x08));
        Assert.That(bytes.Length, Is.GreaterThan(274_132 * 4));
    }

    [Test]
    public void ExportOnnx_CarriesTheWeightsThresholdIntoTheModelsMetadata()
    {
        using var folder = new TemporaryFolder();
        string weights = SavedWeights(folder, new WeightsMetadata { DecisionThreshold = 0.7f });
        string model = folder.File("model.onnx");

        CliRunner.Expect(ExitCodes.Success, "export-onnx", "-o", model, "--weights", weights);

        // ModelProto field 14 (metadata_props, length-delimited: tag 0x72) holding a StringStringEntryProto of
        // key (field 1, tag 0x0a) "decision_threshold" and value (field 2, tag 0x12) "0.7", byte for byte.
        byte[] entry = [0x0a, 18, .. "decision_threshold"u8, 0x12, 3, .. "0.7"u8];
        byte[] field = [0x72, (byte)entry.Length, .. entry];
        Assert.That(Convert.ToHexString(File.ReadAllBytes(model)), Does.Contain(Convert.ToHexString(field)));
    }

    /// <summary>A freshly initialised network saved with the given metadata as folder/w.safetensors.</summary>
    private static string SavedWeights(TemporaryFolder folder, WeightsMetadata metadata)
    {
        string weights = folder.File("w.safetensors");
        using var backend = new CpuBackend();
        using var network = HighResNet2D.CreateInitialised(backend, HighResNetConfiguration.Lung, seed: 3);
        WeightsFile.Save(weights, network, metadata);
        return weights;
    }

    [Test]
    public void ExportOnnx_RefusesAnOutputThatIsNotOnnx()
    {
        using var folder = new TemporaryFolder();
        var run = CliRunner.Expect(ExitCodes.UsageError, "export-onnx", "-o", folder.File("model.bin"), "--weights", folder.File("none.safetensors"));
        Assert.That(run.ErrorLines.Single(), Does.Contain("model.bin"));
        Assert.That(File.Exists(folder.File("model.bin")), Is.False);
    }
}
