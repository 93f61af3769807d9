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
/// <c>training-profile [--batch B] [--steps N] [--statistics batch|running]</c>: where a training step's time goes on
/// the cpu backend. HighResNet2D at 216×296 (He-normal, seed 1, random input and labels as in
/// <see cref="HighResNetBenchmarks"/>); one warm-up step, then N timed steps of what the trainer does per step
/// (training forward, Dice-NS, L2, backward, the finite-gradient check, Adam), each operation timed through
/// <see cref="OperationTimingBackend"/>. Prints the step's wall time and the operations by share.
/// </summary>
public static class TrainingProfile
{
    public static bool TryRun(string[] args, out int exitCode)
    {
        exitCode = 0;
        if (args.Length == 0 || args[0] != "training-profile") return false;
        int batch = ConsoleArguments.Integer(args, "--batch", 17), steps = ConsoleArguments.Integer(args, "--steps", 2);
        var statistics = ConsoleArguments.Text(args, "--statistics", "batch") == "running" ? BatchNormStatistics.Running : BatchNormStatistics.Batch;
        using var cpu = new CpuBackend();
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

        Console.WriteLine($"training-profile: {cpu.Description}; batch {batch}, 216×296, batch-norm statistics {statistics}, 1 warm-up + {steps} steps");
        Step();
        timing.Reset();
        var clock = Stopwatch.StartNew();
        for (int s = 0; s < steps; s++) Step();
        double perStep = clock.Elapsed.TotalSeconds / steps;
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"step {perStep:F2} s ({batch / perStep:F2} slices/s); timed operations {timing.Totals.Values.Sum(v => v.Seconds) / steps:F2} s per step"));
        foreach (var (name, (seconds, calls)) in timing.Totals.OrderByDescending(kv => kv.Value.Seconds))
            Console.WriteLine(string.Create(c, $"  {name,-44} {seconds / steps * 1e3,9:F1} ms  {seconds / steps / perStep,6:P1}  {calls / steps,3} calls"));
        return true;
    }
}
