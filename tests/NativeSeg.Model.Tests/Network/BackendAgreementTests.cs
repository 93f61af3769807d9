using NativeSeg.Engine;
using NativeSeg.Engine.Reference;
using NativeSeg.Engine.Tensors;
using NativeSeg.Model.Network;
using NativeSeg.Model.Training;

namespace NativeSeg.Model.Tests.Network;

/// <summary>
/// The whole network on each fast backend against the float64 reference, same weights and batch: inference logits,
/// training logits, per-slice losses, every parameter gradient (gradients poisoned with NaN first), the running
/// statistics, and the weights after one Adam step. Relative L2 error per tensor must stay under 1e-4.
/// The ILGPU CPU simulator is slow, so it runs a smaller input.
/// </summary>
public class BackendAgreementTests
{
    private const double Tolerance = 1e-4;
    private static readonly Dictionary<(int, int, int), Dictionary<string, float[]>> ReferenceResults = [];

    [TestCase("cpu", 2, 8, 16)]
    [TestCase("ilgpu-cpu", 1, 8, 8)]
    [TestCase("cuda", 2, 16, 24, Explicit = true, Reason = "Needs an NVIDIA GPU.")]
    public void WholeNetworkMatchesTheReference(string backendName, int batch, int height, int width)
    {
        Dictionary<string, float[]> expected;
        lock (ReferenceResults)
        {
            if (!ReferenceResults.TryGetValue((batch, height, width), out expected!))
            {
                using var reference = new ReferenceBackend();
                expected = Run(reference, batch, height, width);
                ReferenceResults[(batch, height, width)] = expected;
            }
        }
        using var backend = Backends.Create(backendName);
        var actual = Run(backend, batch, height, width);
        var failures = new List<string>();
        double worst = 0;
        foreach (var (name, values) in expected)
        {
            Assert.That(actual[name].All(float.IsFinite), $"{name} on {backendName} has a NaN or infinity (unwritten?)");
            double error = TestNetworks.RelativeL2(actual[name], values);
            worst = Math.Max(worst, error);
            if (!(error < Tolerance)) failures.Add($"{name}: {error:E2}");
        }
        TestContext.Out.WriteLine($"{backendName} vs reference at {batch}×1×{height}×{width}: worst relative L2 over {expected.Count} tensors {worst:E2}");
        Assert.That(failures, Is.Empty);
    }

    private static Dictionary<string, float[]> Run(IBackend backend, int batch, int height, int width)
    {
        using var network = HighResNet2D.CreateInitialised(backend, HighResNetConfiguration.Lung, 31);
        var results = new Dictionary<string, float[]>();
        var workspace = network.GetWorkspace(batch, height, width);
        var (input, labels) = TestNetworks.RandomBatch(batch, height, width, 32);
        backend.Upload(input, workspace.Input);
        backend.Upload(labels, workspace.Labels);
        var objective = new TrainingObjective(network, 1e-4, L2Reduction.Mean);

        network.ForwardTraining(workspace);
        results["logits"] = TestNetworks.Download(backend, workspace.Logits);
        objective.Forward(workspace);
        results["slice losses"] = TestNetworks.Download(backend, workspace.SliceLosses);
        objective.Backward(workspace);
        TestNetworks.PoisonGradients(network);
        network.Backward(workspace);
        foreach (var t in network.TrainableTensors)
            results["grad." + t.Name] = TestNetworks.Download(backend, t.RequireGradient());
        foreach (var t in network.Tensors.Where(t => !t.IsTrainable))
            results[t.Name] = TestNetworks.Download(backend, t.Value);

        network.ForwardInference(workspace);
        results["inference logits"] = TestNetworks.Download(backend, workspace.Logits);

        using var optimizer = new AdamOptimizer(network, new AdamSettings(1e-3f), objective.L2Coefficient);
        optimizer.Step();
        foreach (var t in network.TrainableTensors.Where(t => t.Role == ModelTensorRole.ConvolutionKernel))
            results["updated." + t.Name] = TestNetworks.Download(backend, t.Value);
        return results;
    }
}
