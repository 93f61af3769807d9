using System.Text.Json;

namespace NativeSeg.Benchmarks.Onnx;

/// <summary>
/// Sums ONNX Runtime's profiler trace (Chrome trace JSON: one "Node" event per kernel run, with dur in µs and
/// args.op_name) by operator, and the convolutions also by residual stage (the node name's layer prefix), so the
/// optimised graph's time can be set beside NativeSeg's per-operation profile.
/// </summary>
public static class OnnxRuntimeProfile
{
    public static void Print(string traceFile, int passes, int batch)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(traceFile));
        var byOperator = new Dictionary<string, (double Microseconds, int Calls)>(StringComparer.Ordinal);
        foreach (var item in json.RootElement.EnumerateArray())
        {
            if (item.GetProperty("cat").GetString() != "Node" || !item.TryGetProperty("args", out var args)
                || !args.TryGetProperty("op_name", out var op) || !item.GetProperty("name").GetString()!.EndsWith("_kernel_time", StringComparison.Ordinal))
                continue;
            string name = item.GetProperty("name").GetString()!;
            string key = op.GetString()!;
            if (key.Contains("Conv", StringComparison.Ordinal))
                key += " " + Stage(name);
            var (total, calls) = byOperator.GetValueOrDefault(key);
            byOperator[key] = (total + item.GetProperty("dur").GetDouble(), calls + 1);
        }
        double all = byOperator.Values.Sum(v => v.Microseconds);
        double perSlice = 1e-3 / ((double)passes * batch);
        Console.WriteLine();
        Console.WriteLine($"ONNX Runtime per operator of its optimised graph (profiler, {passes} passes; kernel time {all * perSlice:F1} ms/slice):");
        foreach (var (key, (microseconds, calls)) in byOperator.OrderByDescending(p => p.Value.Microseconds))
            Console.WriteLine($"  {key,-28} {microseconds * perSlice,8:F1} ms  {microseconds / all * 100,5:F1}%  ({calls / passes} calls per pass)");
    }

    /// <summary>"res_3.1/conv1_kernel_time" → "res_3"; "conv_1/conv…" → "conv_1". Fused nodes keep the first node's name.</summary>
    private static string Stage(string eventName)
    {
        string node = eventName[..^"_kernel_time".Length];
        int end = node.IndexOfAny(['.', '/']);
        return end > 0 ? node[..end] : node;
    }
}
