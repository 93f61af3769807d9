using NativeSeg.Engine;
using NativeSeg.Model.Network;
using NativeSeg.Model.Randomness;

namespace NativeSeg.Benchmarks.Onnx;

/// <summary>The network the ONNX checks use: He-normal kernels, perturbed γ and β, and running statistics from real training-mode passes.</summary>
public static class BenchmarkNetwork
{
    public const int Height = 216;
    public const int Width = 296;

    /// <summary>
    /// He-normal kernels (seeded), γ ∈ [0.8, 1.2] and β ∈ [−0.1, 0.1], then twenty training-mode forward passes over
    /// random 2×1×64×64 inputs so every running mean and variance holds plausible, channel-specific statistics
    /// (1 − 0.9²⁰ ≈ 88% of them learnt) rather than the initial 0 and 1 that would make BN the identity.
    /// </summary>
    public static HighResNet2D Create(IBackend backend, ulong seed)
    {
        var network = HighResNet2D.CreateInitialised(backend, HighResNetConfiguration.Lung, seed);
        var random = new SeededRandom(seed + 1);
        var tensors = network.ExportTensors();
        foreach (var tensor in network.Tensors)
        {
            var values = tensors[tensor.Name];
            if (tensor.Role == ModelTensorRole.BatchNormScale)
                for (int i = 0; i < values.Length; i++) values[i] = (float)random.NextDouble(0.8, 1.2);
            else if (tensor.Role == ModelTensorRole.BatchNormOffset)
                for (int i = 0; i < values.Length; i++) values[i] = (float)random.NextDouble(-0.1, 0.1);
        }
        network.ImportTensors(tensors);

        var workspace = network.GetWorkspace(2, 64, 64);
        var input = new float[2 * 64 * 64];
        for (int pass = 0; pass < 20; pass++)
        {
            for (int i = 0; i < input.Length; i++) input[i] = (float)random.NextDouble(0, 1.3);
            backend.Upload(input, workspace.Input);
            network.ForwardTraining(workspace);
        }
        network.ReleaseWorkspaces();
        return network;
    }

    /// <summary>A batch of seeded uniform random slices in the preprocessing's intensity range [0, 1.3).</summary>
    public static float[] RandomSlices(int batch, ulong seed)
    {
        var random = new SeededRandom(seed);
        var values = new float[batch * Height * Width];
        for (int i = 0; i < values.Length; i++) values[i] = (float)random.NextDouble(0, 1.3);
        return values;
    }

    /// <summary>Multiply-adds × 2 of every convolution per pixel × pixels: 34.87 GFLOP per 216×296 slice.</summary>
    public static double ForwardFlopPerSlice(HighResNet2D network, int height = Height, int width = Width)
    {
        double multiplyAdds = network.Tensors.Where(t => t.Role == ModelTensorRole.ConvolutionKernel).Sum(t => (double)t.Shape.Length);
        return 2 * multiplyAdds * height * width;
    }

    /// <summary>NativeSeg inference of a host batch into host probabilities [N, classes, H, W] (upload, forward, softmax, download).</summary>
    public static void Infer(HighResNet2D network, float[] input, int batch, float[] probabilities)
    {
        var workspace = network.GetWorkspace(batch, Height, Width);
        network.Backend.Upload(input, workspace.Input);
        network.ForwardInference(workspace);
        network.ComputeProbabilities(workspace);
        network.Backend.Download(workspace.Probabilities, probabilities);
    }
}
