using NativeSeg.Engine;
using NativeSeg.Engine.Reference;
using NativeSeg.Model.Network;
using NativeSeg.Model.Training;

namespace NativeSeg.Model.Tests.Network;

/// <summary>
/// The network's wiring (which activation feeds which backward, the skip's gradient, the order of gradients) checked
/// against central finite differences of the whole network's Dice-NS loss, in float64 on the reference backend.
/// </summary>
public class NetworkGradientTests
{
    private static readonly string[] Probed =
    [
        "conv_0.conv.weight", "conv_0.bn.weight", "res_1.0.bn1.bias", "res_1.2.conv2.weight", "res_2.0.bn1.weight",
        "res_2.0.conv1.weight", "res_2.0.conv2.weight", "res_3.0.bn2.bias", "res_3.2.conv1.weight", "conv_1.bn.bias",
        "conv_1.conv.weight", "conv_2.conv.weight", "conv_2.bn.weight", "conv_2.bn.bias",
    ];

    [TestCase(BatchNormStatistics.Batch)]
    [TestCase(BatchNormStatistics.Running)]
    public void EveryProbedGradientMatchesFiniteDifferences(BatchNormStatistics statistics)
    {
        using var backend = new ReferenceBackend();
        using var network = HighResNet2D.CreateInitialised(backend, HighResNetConfiguration.Lung, 11);
        network.TrainingStatistics = statistics;
        PerturbBatchNormParameters(backend, network);
        if (statistics == BatchNormStatistics.Running)
            PerturbRunningStatistics(backend, network);
        var workspace = network.GetWorkspace(1, 8, 8);
        var (input, labels) = TestNetworks.RandomBatch(1, 8, 8, 5);
        backend.Upload(input, workspace.Input);
        backend.Upload(labels, workspace.Labels);

        double Loss()
        {
            network.ForwardTraining(workspace);
            backend.SoftmaxForward(workspace.Logits, workspace.Probabilities);
            backend.DiceNsLossForward(workspace.Probabilities, workspace.Labels, TrainingObjective.DiceEpsilon, workspace.SliceLosses);
            return backend.Data(workspace.SliceLosses).Average();
        }

        Loss();
        TestNetworks.PoisonGradients(network);
        backend.DiceNsLossBackward(workspace.Probabilities, workspace.Labels, TrainingObjective.DiceEpsilon, workspace.GradLogits);
        network.Backward(workspace);
        foreach (var t in network.TrainableTensors)
            Assert.That(backend.Data(t.RequireGradient()).All(double.IsFinite), $"{t.Name} gradient was not written");

        var random = new Randomness.SeededRandom(3);
        const double h = 1e-6;
        foreach (string name in Probed)
        {
            var tensor = network[name];
            var values = backend.Data(tensor.Value);
            var gradient = backend.Data(tensor.RequireGradient());
            // The entry with the largest gradient (and, for kernels, one random entry as well).
            int largest = Enumerable.Range(0, gradient.Length).MaxBy(i => Math.Abs(gradient[i]));
            int[] entries = tensor.Role == ModelTensorRole.ConvolutionKernel && name.StartsWith("res_", StringComparison.Ordinal)
                ? [largest, random.NextInt(values.Length)] : [largest];
            foreach (int index in entries)
            {
                double saved = values[index];
                values[index] = saved + h;
                double plus = Loss();
                values[index] = saved - h;
                double minus = Loss();
                values[index] = saved;
                double numeric = (plus - minus) / (2 * h);
                double scale = Math.Max(Math.Abs(gradient[largest]), 1e-8);
                Assert.That(Math.Abs(numeric - gradient[index]) / scale, Is.LessThan(1e-5),
                    $"{name}[{index}]: analytic {gradient[index]:E6}, numeric {numeric:E6}");
            }
        }
    }

    [Test]
    public void TrainingAndInferenceStepsAllocateNothingAfterTheFirst()
    {
        using var counting = new CountingBackend(new ReferenceBackend());
        using var network = HighResNet2D.CreateInitialised(counting, HighResNetConfiguration.Lung, 1);
        var objective = new TrainingObjective(network, 1e-4, L2Reduction.Mean);
        using var optimizer = new AdamOptimizer(network, new Engine.Tensors.AdamSettings(1e-3f), objective.L2Coefficient);
        var (input, labels) = TestNetworks.RandomBatch(1, 8, 8, 2);
        var workspace = network.GetWorkspace(1, 8, 8);
        void Step()
        {
            counting.Upload(input, workspace.Input);
            counting.Upload(labels, workspace.Labels);
            network.ForwardTraining(workspace);
            objective.Forward(workspace);
            objective.Backward(workspace);
            network.Backward(workspace);
            optimizer.Step();
            network.ForwardInference(workspace);
            network.ComputeProbabilities(workspace);
        }
        Step();
        int afterFirst = counting.Allocations;
        Step();
        Step();
        Assert.That(counting.Allocations, Is.EqualTo(afterFirst));
        Assert.That(network.GetWorkspace(1, 8, 8), Is.SameAs(workspace));
        // Three scratch tensors per channel count suffice for a residual block.
        Assert.That(workspace.ScratchTensorCount, Is.LessThanOrEqualTo(3 * 5));
    }

    [Test]
    public void HeldStatisticsTrainExactlyTheInferenceForwardAndLeaveTheStatisticsAlone()
    {
        using var backend = new ReferenceBackend();
        using var network = HighResNet2D.CreateInitialised(backend, HighResNetConfiguration.Lung, 5);
        PerturbBatchNormParameters(backend, network);
        PerturbRunningStatistics(backend, network);
        network.TrainingStatistics = BatchNormStatistics.Running;
        var workspace = network.GetWorkspace(2, 8, 8);
        var (input, _) = TestNetworks.RandomBatch(2, 8, 8, 7);
        backend.Upload(input, workspace.Input);
        var statisticsBefore = network.Tensors.Where(t => !t.IsTrainable).ToDictionary(t => t.Name, t => backend.Data(t.Value).ToArray());

        network.ForwardTraining(workspace);
        var trainingLogits = backend.Data(workspace.Logits).ToArray();
        network.ForwardInference(workspace);
        Assert.That(trainingLogits, Is.EqualTo(backend.Data(workspace.Logits)).Within(1e-12));
        foreach (var t in network.Tensors.Where(t => !t.IsTrainable))
            Assert.That(backend.Data(t.Value), Is.EqualTo(statisticsBefore[t.Name]), t.Name);

        // With batch statistics the same forward moves them (so the check above can fail).
        network.TrainingStatistics = BatchNormStatistics.Batch;
        network.ForwardTraining(workspace);
        Assert.That(backend.Data(network["res_2.0.bn1.running_mean"].Value), Is.Not.EqualTo(statisticsBefore["res_2.0.bn1.running_mean"]));
    }

    /// <summary>Running statistics other than 0 and 1, so that using them (or not) shows.</summary>
    private static void PerturbRunningStatistics(ReferenceBackend backend, HighResNet2D network)
    {
        var random = new Randomness.SeededRandom(98);
        foreach (var t in network.Tensors.Where(t => !t.IsTrainable))
        {
            var data = backend.Data(t.Value);
            bool variance = t.Role == ModelTensorRole.RunningVariance;
            for (int i = 0; i < data.Length; i++) data[i] = variance ? random.NextDouble(0.5, 2) : random.NextDouble(-0.3, 0.3);
        }
    }

    /// <summary>γ = 1 and β = 0 would hide a γ/β mix-up; spread them out.</summary>
    internal static void PerturbBatchNormParameters(ReferenceBackend backend, HighResNet2D network)
    {
        var random = new Randomness.SeededRandom(99);
        foreach (var t in network.Tensors)
        {
            var data = backend.Data(t.Value);
            if (t.Role == ModelTensorRole.BatchNormScale)
                for (int i = 0; i < data.Length; i++) data[i] = (float)random.NextDouble(0.5, 1.5);
            else if (t.Role == ModelTensorRole.BatchNormOffset)
                for (int i = 0; i < data.Length; i++) data[i] = (float)random.NextDouble(-0.3, 0.3);
        }
    }
}
