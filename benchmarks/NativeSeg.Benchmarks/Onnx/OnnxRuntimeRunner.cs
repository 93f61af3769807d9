using Microsoft.ML.OnnxRuntime;
using NativeSeg.Model.Export;

namespace NativeSeg.Benchmarks.Onnx;

/// <summary>
/// An ONNX Runtime CPU session over an exported model with a fixed batch: the input and output live in managed arrays
/// that ONNX Runtime reads and writes in place (no copies per run), so a timed run is the graph execution alone.
/// </summary>
public sealed class OnnxRuntimeRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue _input;
    private readonly OrtValue _output;

    /// <param name="threads">Intra-op threads; inter-op parallelism off (sequential execution), graph optimisation "all".</param>
    /// <param name="profilePrefix">When set, ONNX Runtime's own profiler writes a JSON trace starting with this path (see <see cref="EndProfiling"/>).</param>
    public OnnxRuntimeRunner(byte[] model, float[] input, float[] probabilities, int batch, int channels, int classes, int height, int width, int threads,
        string? profilePrefix = null)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
        };
        if (profilePrefix is not null)
        {
            // The prefix must be set first: enabling profiling passes the prefix set at that moment to ONNX Runtime.
            options.ProfileOutputPathPrefix = profilePrefix;
            options.EnableProfiling = true;
        }
        _session = new InferenceSession(model, options);
        _input = OrtValue.CreateTensorValueFromMemory(input, [batch, channels, height, width]);
        _output = OrtValue.CreateTensorValueFromMemory(probabilities, [batch, classes, height, width]);
    }

    public static string Version => OrtEnv.Instance().GetVersionString();

    /// <summary>Runs the graph: reads the input array given to the constructor, writes its probabilities array.</summary>
    public void Run() => _session.Run(_runOptions, [OnnxExporter.InputName], [_input], [OnnxExporter.OutputName], [_output]);

    /// <summary>Stops ONNX Runtime's profiler and returns the trace file's path.</summary>
    public string EndProfiling() => _session.EndProfiling();

    public void Dispose()
    {
        _input.Dispose();
        _output.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
