namespace NativeSeg.Benchmarks.Onnx;

/// <summary>The console modes of the benchmarks program that are not BenchmarkDotNet suites: onnx-parity and onnx-compare.</summary>
public static class OnnxCommands
{
    public static bool TryRun(string[] args, out int exitCode)
    {
        exitCode = 0;
        if (args.Length == 0 || args[0] is not ("onnx-parity" or "onnx-compare"))
            return false;
        try
        {
            var options = OnnxOptions.Parse(args[1..], defaultBatch: args[0] == "onnx-parity" ? 2 : 4);
            exitCode = args[0] == "onnx-parity" ? OnnxParity.Run(options) : OnnxSideBySide.Run(options);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"{args[0]}: {e.Message}");
            exitCode = 2;
        }
        return true;
    }
}
