using BenchmarkDotNet.Attributes;
using NativeSeg.Engine;
using NativeSeg.Engine.Tensors;
using NativeSeg.Model.Network;
using NativeSeg.Model.Randomness;
using NativeSeg.Model.Training;

namespace NativeSeg.Benchmarks.Model;

/// <summary>
/// Whole-network timings at the paper's size (296×216): the inference-mode forward (slices/s) and one full training
/// step (training forward, Dice-NS, backward, finite-gradient check, Adam) on a backend chosen by name.
/// Each operation takes seconds on a CPU, so run one invocation per iteration and few iterations:
/// <c>dotnet run -c Release --project benchmarks/NativeSeg.Benchmarks -- --filter '*HighResNet*' --inProcess
/// --strategy Monitoring --launchCount 1 --warmupCount 1 --iterationCount 3</c>
/// (set NATIVESEG_BENCH_BACKEND=cuda on a GPU machine; default cpu).
/// </summary>
public class HighResNetBenchmarks
{
    private IBackend _backend = null!;
    private HighResNet2D _network = null!;
    private Workspace _workspace = null!;
    private TrainingObjective _objective = null!;
    private AdamOptimizer _optimizer = null!;

    [Params(1, 17)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _backend = Backends.Create(Environment.GetEnvironmentVariable("NATIVESEG_BENCH_BACKEND") ?? "cpu");
        _network = HighResNet2D.CreateInitialised(_backend, HighResNetConfiguration.Lung, 1);
        _workspace = _network.GetWorkspace(Batch, 216, 296);
        var (input, labels) = RandomBatch(Batch);
        _backend.Upload(input, _workspace.Input);
        _backend.Upload(labels, _workspace.Labels);
        _objective = new TrainingObjective(_network, 1e-4, L2Reduction.Mean);
        _optimizer = new AdamOptimizer(_network, new AdamSettings(1e-3f), _objective.L2Coefficient);
    }

    /// <summary>Seeded intensities in [0, 1.3] and one-hot labels (lung where the intensity is below 0.5), 216×296.</summary>
    internal static (float[] Input, float[] Labels) RandomBatch(int batch)
    {
        var random = new SeededRandom(2);
        var input = new float[batch * 216 * 296];
        var labels = new float[batch * 2 * 216 * 296];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (float)random.NextDouble(0, 1.3);
            labels[(i / (216 * 296) * 2 + (input[i] < 0.5f ? 1 : 0)) * 216 * 296 + i % (216 * 296)] = 1f;
        }
        return (input, labels);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _optimizer.Dispose();
        _network.Dispose();
        _backend.Dispose();
    }

    /// <summary>Inference-mode forward and softmax of one batch.</summary>
    [Benchmark]
    public void InferenceForward()
    {
        _network.ForwardInference(_workspace);
        _network.ComputeProbabilities(_workspace);
        _backend.Synchronize();
    }

    /// <summary>What the trainer does per step, minus the host-side batch assembly.</summary>
    [Benchmark]
    public double TrainingStep()
    {
        _network.ForwardTraining(_workspace);
        var loss = _objective.Forward(_workspace);
        _objective.Backward(_workspace);
        _network.Backward(_workspace);
        double check = 0;
        foreach (var t in _network.TrainableTensors)
            check += _backend.SumOfSquares(t.RequireGradient());
        _optimizer.Step();
        _backend.Synchronize();
        return loss.Total + check;
    }
}
