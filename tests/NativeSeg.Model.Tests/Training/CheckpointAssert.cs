using NativeSeg.Model.Weights;

namespace NativeSeg.Model.Tests.Training;

/// <summary>The resume tests' one verdict: two checkpoints hold the same weights and Adam moments, bit for bit.</summary>
internal static class CheckpointAssert
{
    public static void BitIdentical(string expectedPath, string actualPath)
    {
        var expected = WeightsFile.Load(expectedPath);
        var actual = WeightsFile.Load(actualPath);
        Assert.That(actual.NetworkTensors.Count + actual.ExtraTensors.Count, Is.EqualTo(expected.NetworkTensors.Count + expected.ExtraTensors.Count), "tensor count");
        foreach (var (name, values) in expected.NetworkTensors.Concat(expected.ExtraTensors))
        {
            var other = actual.NetworkTensors.TryGetValue(name, out var v) ? v : actual.ExtraTensors[name];
            Assert.That(other.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(values.Select(BitConverter.SingleToInt32Bits)), name);
        }
    }
}
