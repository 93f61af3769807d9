using System.Diagnostics;
using System.Globalization;
using NativeSeg.Benchmarks.Onnx;
using NativeSeg.Engine;
using NativeSeg.Engine.Cpu;
using NativeSeg.Engine.Tensors;
using NativeSeg.Model.Network;
using NativeSeg.Model.Training;

namespace NativeSeg.Benchmarks.Model;

/// <summary>
/// <c>training-profile [--batch B] [--steps N] [--statistics batch|running] [--convolution direct|winograd|auto]
/// [--compare]</c>: where a training step's time goes on the cpu backend. HighResNet2D at 216×296 (He-normal, seed 1,
/// random input and labels as in <see cref="HighResNetBenchmarks"/>); one warm-up step, then N timed steps of what the
/// trainer does per step (training forward, Dice-NS, L2, backward, the finite-gradient check, Adam), each operation
/// timed through <see cref="OperationTimingBackend"/>. Prints the step's wall time and the operations by share.
/// With <c>--compare</c>, the same network and workspace alternate steps between the direct convolutions (the old
/// path) and the chosen algorithm (default auto), one warm-up step each, N timed steps each, and print both profiles,
/// the median step of each and their ratio: both paths measured in the same minutes.
/// </summary>
public static class TrainingProfile
{
    public static bool TryRun(string[] args, out int exitCode)
    {
        exitCode = 0;
        if (args.Length == 0 || args[0] != "training-profile") return false;
        int batch = ConsoleArguments.Integer(args, "--batch", 17), steps = ConsoleArguments.Integer(args, "--steps", 2);
        var statistics = ConsoleArguments.Text(args, "--statistics", "batch") == "running" ? BatchNormStatistics.Running : BatchNormStatistics.Batch;
        var algorithm = CpuConvolutionAlgorithms.Parse(ConsoleArguments.Text(args, "--convolution", "auto"));
        bool compare = args.Contains("--compare");
        using var cpu = new CpuBackend(convolution: algorithm);
        using var timing = new OperationTimingBackend(cpu);
        using var network = HighResNet2D.CreateInitialised(timing, HighResNetConfiguration.Lung, 1);
        network.TrainingStatistics = statistics;
        var workspace = network.GetWorkspace(batch, 216, 296);
        var (input, labels) = HighResNetBenchmarks.RandomBatch(batch);
        timing.Upload(input, workspace.Input);
        timing.Upload(labels, workspace.Labels);
        var objective = new TrainingObjective(network, 1e-4, L2Reduction.Mean);
        using var optimizer = new AdamOptimizer(network, new AdamSettings(1e-3f), objective.L2Coefficient);
        void Step()
        {
            network.ForwardTraining(workspace);
            objective.Forward(workspace);
            objective.Backward(workspace);
            network.Backward(workspace);
            foreach (var t in network.TrainableTensors) timing.SumOfSquares(t.RequireGradient());
            optimizer.Step();
        }

        CpuConvolutionAlgorithm[] paths = compare ? [CpuConvolutionAlgorithm.Direct, algorithm] : [algorithm];
        Console.WriteLine($"training-profile: {cpu.Description}; batch {batch}, 216×296, batch-norm statistics {statistics}, " +
            $"1 warm-up + {steps} steps{(compare ? $" per path, alternated: {string.Join(" vs ", paths)}" : "")}");
        var stepSeconds = paths.ToDictionary(p => p, _ => new List<double>());
        var totals = paths.ToDictionary(p => p, _ => new Dictionary<string, (double Seconds, int Calls)>());
        for (int round = -1; round < steps; round++)
        {
            foreach (var path in paths)
            {
                cpu.Convolution = path;
                timing.Reset();
                var clock = Stopwatch.StartNew();
                Step();
                if (round < 0) continue;    // the warm-up step of each path
                stepSeconds[path].Add(clock.Elapsed.TotalSeconds);
                foreach (var (name, (seconds, calls)) in timing.Totals)
                {
                    var sum = totals[path].GetValueOrDefault(name);
                    totals[path][name] = (sum.Seconds + seconds, sum.Calls + calls);
                }
            }
        }
        var c = CultureInfo.InvariantCulture;
        foreach (var path in paths)
        {
            double perStep = stepSeconds[path].Average();
            Console.WriteLine(string.Create(c, $"{path.ToString().ToLowerInvariant()}: step {perStep:F2} s mean ({batch / perStep:F2} slices/s), " +
                $"steps {string.Join(" / ", stepSeconds[path].Select(t => t.ToString("F2", c)))} s"));
            foreach (var (name, (seconds, calls)) in totals[path].OrderByDescending(kv => kv.Value.Seconds))
                Console.WriteLine(string.Create(c, $"  {name,-44} {seconds / steps * 1e3,9:F1} ms  {seconds / steps / perStep,6:P1}  {calls / steps,3} calls"));
        }
        if (compare)
        {
            double old = Median(stepSeconds[paths[0]]), now = Median(stepSeconds[paths[1]]);
            Console.WriteLine(string.Create(c, $"median step: direct {old:F2} s, {paths[1].ToString().ToLowerInvariant()} {now:F2} s; " +
                $"speed-up {old / now:F2}× (ratio {now / old:F3})"));
        }
        return true;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
