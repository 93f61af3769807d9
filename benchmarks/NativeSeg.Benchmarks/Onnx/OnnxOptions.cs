using System.Globalization;

namespace NativeSeg.Benchmarks.Onnx;

/// <summary>Options of the onnx-parity and onnx-compare modes: --batch, --reps, --warmup, --threads, --no-torch, --save PATH (onnx-parity: also write the exported model there), --profile (onnx-compare: NativeSeg time per operation).</summary>
public sealed record OnnxOptions(int Batch, int Repetitions, int Warmup, int Threads, bool Torch, string? SavePath = null, bool Profile = false)
{
    public static OnnxOptions Parse(IReadOnlyList<string> args, int defaultBatch)
    {
        var options = new OnnxOptions(defaultBatch, Repetitions: 5, Warmup: 1, Threads: 2, Torch: true);
        for (int i = 0; i < args.Count; i++)
        {
            options = args[i] switch
            {
                "--batch" => options with { Batch = Positive(args, ++i) },
                "--reps" => options with { Repetitions = Positive(args, ++i) },
                "--warmup" => options with { Warmup = Positive(args, ++i, allowZero: true) },
                "--threads" => options with { Threads = Positive(args, ++i) },
                "--no-torch" => options with { Torch = false },
                "--profile" => options with { Profile = true },
                "--save" when i + 1 < args.Count => options with { SavePath = args[++i] },
                _ => throw new ArgumentException($"Unknown option '{args[i]}' (expected --batch N, --reps N, --warmup N, --threads N, --no-torch, --save PATH, --profile)."),
            };
        }
        return options;
    }

    private static int Positive(IReadOnlyList<string> args, int index, bool allowZero = false)
    {
        if (index >= args.Count)
            throw new ArgumentException($"Option '{args[index - 1]}' needs a value.");
        if (!int.TryParse(args[index], NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < (allowZero ? 0 : 1))
            throw new ArgumentException($"Option '{args[index - 1]}' needs a {(allowZero ? "non-negative" : "positive")} integer, got '{args[index]}'.");
        return value;
    }
}
