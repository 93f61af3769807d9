using NativeSeg.Engine.Cpu;
using NativeSeg.Model.Network;
using NativeSeg.Model.Training;

namespace NativeSeg.Model.Tests.Training;

/// <summary>
/// Precise batch-norm statistics: pooled over batches they are the population statistics of the pooled pixels
/// (checked where a batch norm's input does not depend on the batch: the first one), and nothing but the running
/// statistics changes.
/// </summary>
public sealed class BatchNormRecalibrationTests
{
    [Test]
    public void PooledOverBatchesTheFirstBatchNormGetsThePopulationStatistics()
    {
        var data = TrainerTests.TinyData(8); // 8 slices of 16 × 16
        using var backend = new CpuBackend();
        using var network = HighResNet2D.CreateInitialised(backend, HighResNetConfiguration.Lung, seed: 3);
        var before = network.ExportTensors();

        // All 8 slices in one batch: the first batch norm's batch statistics are the population's.
        var all = network.GetWorkspace(8, 16, 16);
        var input = data.Slices.SelectMany(s => s.Input).ToArray();
        backend.Upload(input, all.Input);
        network.ForwardTraining(all);
        var (stem, mean, inverseStd) = network.LastBatchStatistics(all).First();
        var populationMean = TestNetworks.Download(backend, mean);
        var populationVariance = TestNetworks.Download(backend, inverseStd).Select(s => 1.0 / ((double)s * s) - HighResNetConfiguration.BatchNormEpsilon).ToArray();
        network.ImportTensors(before); // the forward moved the running statistics

        var summary = BatchNormRecalibration.Run(network, data, batchSize: 2, seed: 1);

        Assert.That((summary.Slices, summary.Batches), Is.EqualTo((8, 4)));
        var runningMean = TestNetworks.Download(backend, stem.RunningMean.Value);
        var runningVariance = TestNetworks.Download(backend, stem.RunningVariance.Value);
        for (int c = 0; c < stem.Channels; c++)
        {
            Assert.That(runningMean[c], Is.EqualTo(populationMean[c]).Within(1e-5 * Math.Sqrt(populationVariance[c])), $"mean, channel {c}");
            Assert.That(runningVariance[c], Is.EqualTo(populationVariance[c]).Within(1e-5 * populationVariance[c]), $"variance, channel {c}");
        }
        var after = network.ExportTensors();
        foreach (var (name, values) in before)
        {
            bool statistic = name.EndsWith(".running_mean", StringComparison.Ordinal) || name.EndsWith(".running_var", StringComparison.Ordinal);
            if (statistic)
                Assert.That(after[name], Is.Not.EqualTo(values), $"{name} is measured again");
            else
                Assert.That(after[name], Is.EqualTo(values), $"{name} is not touched");
        }
    }

    [Test]
    public void WindowsAreSeededAndALeftoverSliceIsLeftOut()
    {
        var data = TrainerTests.TinyData(8);
        var nine = new TrainingSet([.. data.Slices, data.Slices[0]], data.Classes, "tiny discs and one more");
        float[] RunOnce(ulong seed, out BatchNormRecalibrationSummary summary)
        {
            using var backend = new CpuBackend();
            using var network = HighResNet2D.CreateInitialised(backend, HighResNetConfiguration.Lung, seed: 3);
            summary = BatchNormRecalibration.Run(network, nine, batchSize: 4, seed: seed, window: (8, 8));
            return network.ExportTensors()["conv_0.bn.running_mean"];
        }

        var first = RunOnce(1, out var summary);
        Assert.That((summary.Slices, summary.Batches), Is.EqualTo((8, 2)));
        Assert.That(first.All(float.IsFinite), Is.True);
        Assert.That(RunOnce(1, out _), Is.EqualTo(first), "the same seed, the same windows");
        Assert.That(RunOnce(2, out _), Is.Not.EqualTo(first), "another seed, other windows");
    }

    [Test]
    public void HeldStatisticsAndABatchOfOneAreRefused()
    {
        var data = TrainerTests.TinyData(8);
        using var backend = new CpuBackend();
        using var network = HighResNet2D.CreateInitialised(backend, HighResNetConfiguration.Lung, seed: 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchNormRecalibration.Run(network, data, batchSize: 1, seed: 1));
        network.TrainingStatistics = BatchNormStatistics.Running;
        Assert.Throws<InvalidOperationException>(() => BatchNormRecalibration.Run(network, data, batchSize: 2, seed: 1));
    }
}
