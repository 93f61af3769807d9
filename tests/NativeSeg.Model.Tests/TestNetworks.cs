using NativeSeg.Engine;
using NativeSeg.Engine.Reference;
using NativeSeg.Engine.Tensors;
using NativeSeg.Model.Network;
using NativeSeg.Model.Randomness;

namespace NativeSeg.Model.Tests;

/// <summary>Small inputs and helpers shared by the model tests.</summary>
internal static class TestNetworks
{
    /// <summary>Random network input in [0, 1.3) like the preprocessing's, and random two-class labels shaped like a blob.</summary>
    public static (float[] Input, float[] OneHotLabels) RandomBatch(int batch, int height, int width, ulong seed, int classes = 2)
    {
        var random = new SeededRandom(seed);
        var input = new float[batch * height * width];
        for (int i = 0; i < input.Length; i++) input[i] = (float)random.NextDouble(0, 1.3);
        var labels = new float[batch * classes * height * width];
        int plane = height * width;
        for (int b = 0; b < batch; b++)
        {
            double cy = random.NextDouble(0.3, 0.7) * height, cx = random.NextDouble(0.3, 0.7) * width;
            double radius = random.NextDouble(0.2, 0.35) * Math.Min(height, width);
            for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int cls = (y - cy) * (y - cy) + (x - cx) * (x - cx) < radius * radius ? 1 : 0;
                labels[(b * classes + cls) * plane + y * width + x] = 1f;
            }
        }
        return (input, labels);
    }

    public static float[] Download(IBackend backend, Tensor tensor)
    {
        var values = new float[tensor.Length];
        backend.Download(tensor, values);
        return values;
    }

    /// <summary>‖a − b‖₂ / ‖b‖₂ (b the reference), with a floor so an all-zero reference compares absolutely.</summary>
    public static double RelativeL2(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        double difference = 0, norm = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = (double)actual[i] - expected[i];
            difference += d * d;
            norm += (double)expected[i] * expected[i];
        }
        return Math.Sqrt(difference) / Math.Max(Math.Sqrt(norm), 1e-12);
    }

    /// <summary>Fills every trainable tensor's gradient with NaN, so a gradient the backward forgets to write fails.</summary>
    public static void PoisonGradients(HighResNet2D network)
    {
        foreach (var t in network.TrainableTensors)
            network.Backend.Fill(t.RequireGradient(), float.NaN);
    }

    public static ReferenceBackend Reference() => new();
}
