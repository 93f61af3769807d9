using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NativeSeg.Engine;
using NativeSeg.Engine.Tensors;
using NativeSeg.Model.Network;
using NativeSeg.Model.Training;

namespace NativeSeg.Cli.Commands;

/// <summary>
/// `nativeseg bench [--device NAME]`: end-to-end numbers on this machine — inference forward (slices/s, GFLOP/s) and a
/// training step (forward, Dice-NS, backward, Adam) at 296×216 — with warm-up, several repetitions, and the median.
/// Whole-volume segmentation is timed by `nativeseg segment` itself (its summary prints the time).
/// </summary>
public static class BenchCommand
{
    /// <summary>
    /// The command; <paramref name="createBackend"/> makes the backend from the --device value (default: the product's
    /// <see cref="Backends.Create"/> after resolving auto). The GPU kernel lab passes one that runs chosen kernel versions.
    /// </summary>
    public static Command Create(Func<string, IBackend>? createBackend = null)
    {
        createBackend ??= name => Backends.Create(Devices.AutoDevice.Resolve(name, quiet: false));
        var device = new Option<string>("--device", "-d") { Description = "auto, cpu, cuda, reference, ilgpu-cpu.", DefaultValueFactory = _ => "auto" };
        var inferenceBatch = new Option<int>("--inference-batch") { Description = "Slices per inference forward.", DefaultValueFactory = _ => 8 };
        var trainingBatch = new Option<int>("--training-batch") { Description = "Slices per training step (the paper: 17).", DefaultValueFactory = _ => 17 };
        var repetitions = new Option<int>("--repetitions", "-r") { Description = "Timed repetitions after one warm-up.", DefaultValueFactory = _ => 3 };
        var height = new Option<int>("--height") { Description = "Slice rows (multiple of 8).", DefaultValueFactory = _ => 216 };
        var width = new Option<int>("--width") { Description = "Slice columns (multiple of 8).", DefaultValueFactory = _ => 296 };
        var skipTraining = new Option<bool>("--no-training") { Description = "Time inference only." };
        var command = new Command("bench", "Time the network's inference forward and training step on a device.")
        {
            device, inferenceBatch, trainingBatch, repetitions, height, width, skipTraining,
        };
        command.SetAction(result => CommandRunner.Run(cancel => Execute(() => createBackend(result.GetValue(device)!), result.GetValue(inferenceBatch),
            result.GetValue(trainingBatch), result.GetValue(repetitions), result.GetValue(height), result.GetValue(width),
            !result.GetValue(skipTraining), cancel), CommandContext.Cancellation));
        return command;
    }

    private static int Execute(Func<IBackend> createBackend, int inferenceBatch, int trainingBatch, int repetitions, int height, int width,
        bool training, CancellationToken cancellation)
    {
        if (inferenceBatch < 1 || trainingBatch < 1 || repetitions < 1)
            throw new UsageException("batch sizes and repetitions must be at least 1.");
        if (height % HighResNetConfiguration.SpatialMultiple != 0 || width % HighResNetConfiguration.SpatialMultiple != 0)
            throw new UsageException($"--height and --width must be multiples of {HighResNetConfiguration.SpatialMultiple}, got {height}×{width}.");
        var c = CultureInfo.InvariantCulture;
        using var backend = createBackend();
        var configuration = HighResNetConfiguration.Lung;
        using var network = HighResNet2D.CreateInitialised(backend, configuration, seed: 1);
        double flopsPerSlice = new NetworkSummary(configuration).ForwardFlopsPerPixel * height * width;
        Console.WriteLine(string.Create(c, $"device: {backend.Description}"));
        Console.WriteLine(string.Create(c, $"network: HighResNet2D, {network.ParameterCount:N0} parameters, {flopsPerSlice / 1e9:F2} GFLOP per {width}×{height} slice forward"));

        var random = new Random(7);
        {
            var workspace = network.GetWorkspace(inferenceBatch, height, width);
            backend.Upload(RandomSlices(random, inferenceBatch * height * width), workspace.Input);
            double seconds = MedianSeconds(repetitions, cancellation, () =>
            {
                network.ForwardInference(workspace);
                network.ComputeProbabilities(workspace);
                backend.Synchronize();
            });
            double perSlice = seconds / inferenceBatch;
            Console.WriteLine(string.Create(c,
                $"inference forward  batch {inferenceBatch,3}: {perSlice * 1e3,9:F1} ms/slice  {1 / perSlice,8:F2} slices/s  {flopsPerSlice / perSlice / 1e9,8:F1} GFLOP/s"));
            network.ReleaseWorkspaces();
        }

        if (training)
        {
            var workspace = network.GetWorkspace(trainingBatch, height, width);
            backend.Upload(RandomSlices(random, trainingBatch * height * width), workspace.Input);
            backend.Upload(RandomLabels(random, trainingBatch, configuration.Classes, height * width), workspace.Labels);
            var objective = new TrainingObjective(network, 1e-4, L2Reduction.Mean);
            using var adam = new AdamOptimizer(network, AdamSettings.Paper with { LearningRate = 1e-4f }, objective.L2Coefficient);
            long allocatedBefore = 0;
            int step = 0;
            double seconds = MedianSeconds(repetitions, cancellation, () =>
            {
                if (step++ == 1) allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                network.ForwardTraining(workspace);
                objective.Forward(workspace);
                objective.Backward(workspace);
                network.Backward(workspace);
                adam.Step();
                backend.Synchronize();
            });
            long allocatedPerStep = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / Math.Max(1, repetitions);
            // A training step: forward (1×) + backward to activations and to weights (about 2×) of the forward FLOPs.
            double stepFlops = 3 * flopsPerSlice * trainingBatch;
            Console.WriteLine(string.Create(c,
                $"training step      batch {trainingBatch,3}: {seconds,9:F3} s/step    {trainingBatch / seconds,8:F2} slices/s  {stepFlops / seconds / 1e9,8:F1} GFLOP/s (3× forward)"));
            Console.WriteLine(string.Create(c, $"managed bytes allocated per training step: {allocatedPerStep:N0}"));
        }
        Console.WriteLine(string.Create(c, $"peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB"));
        return ExitCodes.Success;
    }

    /// <summary>One warm-up run (kernel compilation, first-touch allocation), then the median of the timed runs.</summary>
    private static double MedianSeconds(int repetitions, CancellationToken cancellation, Action run)
    {
        run();
        var times = new double[repetitions];
        for (int i = 0; i < repetitions; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            run();
            times[i] = clock.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return times[repetitions / 2];
    }

    private static float[] RandomSlices(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(1.3 * random.NextDouble());
        return values;
    }

    private static float[] RandomLabels(Random random, int batch, int classes, int plane)
    {
        var oneHot = new float[batch * classes * plane];
        for (int b = 0; b < batch; b++)
            for (int p = 0; p < plane; p++)
                oneHot[(b * classes + random.Next(classes)) * plane + p] = 1;
        return oneHot;
    }
}
