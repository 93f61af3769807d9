using System.CommandLine;
using NativeSeg.Cli.Outputs;
using NativeSeg.Engine.Reference;
using NativeSeg.Model.Export;
using NativeSeg.Model.Weights;

namespace NativeSeg.Cli.Commands;

/// <summary>`nativeseg export-onnx -o MODEL.onnx`: the network with its weights as an ONNX model (opset 17, inference mode).</summary>
public static class ExportOnnxCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--output", "-o") { Description = "ONNX file to write.", Required = true };
        var weights = new Option<string?>("--weights", "-w") { Description = "Weights file (.safetensors). Default: the shipped weights." };
        var height = new Option<int>("--height") { Description = "Input rows (multiple of 8).", DefaultValueFactory = _ => OnnxExporter.DefaultHeight };
        var width = new Option<int>("--width") { Description = "Input columns (multiple of 8).", DefaultValueFactory = _ => OnnxExporter.DefaultWidth };
        var command = new Command("export-onnx", "Write the network and its weights as an ONNX model: input [N,1,H,W], output lung/background probabilities [N,2,H,W]; the weights' decision threshold goes into its metadata_props.")
        {
            output, weights, height, width,
        };
        command.SetAction(result => CommandRunner.Run(_ =>
        {
            string path = result.GetValue(output)!;
            if (!path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
                throw new UsageException($"--output {path}: the model must be an .onnx file.");
            int h = result.GetValue(height), w = result.GetValue(width);
            if (h % 8 != 0 || w % 8 != 0 || h < 8 || w < 8)
                throw new UsageException($"--height and --width must be positive multiples of 8, got {h}×{w}.");
            string weightsPath = WeightsLocator.Resolve(result.GetValue(weights));
            using var outputs = new OutputSet().Read(weightsPath);
            string modelFile = outputs.File(path, "--output");
            // The exporter reads the tensors on the host; the reference backend holds them without needing a device.
            using var backend = new ReferenceBackend();
            var (network, file) = WeightsFile.LoadNetwork(weightsPath, backend);
            using (network)
                OnnxExporter.Export(network, modelFile, h, w, file.Metadata.ThresholdOr(null));
            outputs.Commit();
            Console.WriteLine($"wrote {path} ({new FileInfo(path).Length:N0} bytes) from {weightsPath}");
            return ExitCodes.Success;
        }, CommandContext.Cancellation));
        return command;
    }
}
