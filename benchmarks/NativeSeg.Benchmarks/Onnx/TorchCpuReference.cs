using System.Diagnostics;
using System.Text.Json;

namespace NativeSeg.Benchmarks.Onnx;

/// <summary>
/// Runs benchmarks/reference/torch_cpu_inference.py with the system Python when PyTorch is installed there, and
/// reads back its per-repetition times. Returns null with a reason otherwise (PyTorch is optional).
/// </summary>
public static class TorchCpuReference
{
    private const string Python = "/usr/bin/python3";

    public sealed record Result(string Version, int Threads, double[] Seconds);

    public static Result? TryRun(OnnxOptions options, out string reason)
    {
        string? script = FindScript();
        if (script is null) { reason = "benchmarks/reference/torch_cpu_inference.py not found above the program's folder"; return null; }
        if (!File.Exists(Python)) { reason = $"{Python} not found"; return null; }
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { script, "--batch", $"{options.Batch}", "--reps", $"{options.Repetitions}", "--warmup", $"{options.Warmup}", "--threads", $"{options.Threads}" })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            string message = error.Result.Trim().Split('\n').LastOrDefault() ?? "";
            reason = message.Contains("No module named 'torch'") ? "PyTorch is not installed for /usr/bin/python3" : $"the script failed: {message}";
            return null;
        }
        using var json = JsonDocument.Parse(output.Trim().Split('\n').Last());
        var root = json.RootElement;
        reason = "";
        return new Result(root.GetProperty("torch").GetString() ?? "?", root.GetProperty("threads").GetInt32(),
            root.GetProperty("seconds").EnumerateArray().Select(e => e.GetDouble()).ToArray());
    }

    private static string? FindScript()
    {
        foreach (string origin in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var folder = new DirectoryInfo(origin); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "NativeSeg.sln")))
                {
                    string script = Path.Combine(folder.FullName, "benchmarks", "reference", "torch_cpu_inference.py");
                    return File.Exists(script) ? script : null;
                }
            }
        }
        return null;
    }
}
