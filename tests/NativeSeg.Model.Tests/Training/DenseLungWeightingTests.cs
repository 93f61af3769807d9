using NativeSeg.Engine.Cpu;
using NativeSeg.Model.Network;
using NativeSeg.Model.Randomness;
using NativeSeg.Model.Training;

namespace NativeSeg.Model.Tests.Training;

/// <summary>
/// The dense-lung loss weights (<see cref="DenseLungWeighting"/>): on a synthetic 40×64 slice (aerated lung at rows
/// 10–29, columns 10–49, in soft tissue; a block of consolidation on its columns 10–19, lining the left edge) only the
/// consolidation inside the lung's edge is weighted, and with a reach the soft tissue beyond the consolidation's edge
/// too; the sampler hands the trainer those weights, window by window; and
/// a run whose slices hold no dense lung trains bit for bit as the paper's loss does, while one with consolidation does not.
/// </summary>
public class DenseLungWeightingTests
{
    private const int Height = 40, Width = 64;
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "nativeseg-dense-weight-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void OnlyConsolidationInsideTheLungsEdgeIsWeighted()
    {
        var (labels, intensity) = Slice();
        var weights = new float[Height * Width];
        new DenseLungWeighting(4).Fill(labels, intensity, Height, Width, weights);

        Assert.That(weights[20 * Width + 15], Is.EqualTo(4), "consolidation inside the lung");
        Assert.That(weights[20 * Width + 11], Is.EqualTo(4), "consolidation one pixel inside the edge");
        Assert.That(weights[20 * Width + 10], Is.EqualTo(1), "the edge pixel itself, against the chest wall");
        Assert.That(weights[10 * Width + 15], Is.EqualTo(1), "the top edge of the consolidation");
        Assert.That(weights[20 * Width + 30], Is.EqualTo(1), "aerated lung");
        Assert.That(weights[20 * Width + 5], Is.EqualTo(1), "soft tissue outside the lung");
        // The block is rows 10–29 × columns 10–19; its interior (rows 11–28, columns 11–19) is weighted.
        Assert.That(weights.Count(w => w == 4), Is.EqualTo(18 * 9));
    }

    [Test]
    public void WithAReachTheNonLungBesideTheConsolidationIsWeightedToo()
    {
        var (labels, intensity) = Slice();
        var lungSideOnly = new float[Height * Width];
        new DenseLungWeighting(4).Fill(labels, intensity, Height, Width, lungSideOnly);
        var weights = new float[Height * Width];
        new DenseLungWeighting(4, outsideReach: 3).Fill(labels, intensity, Height, Width, weights);

        Assert.That(weights[20 * Width + 8], Is.EqualTo(4), "soft tissue two pixels beyond the consolidation's edge");
        Assert.That(weights[20 * Width + 7], Is.EqualTo(4), "soft tissue three pixels beyond it");
        Assert.That(weights[20 * Width + 6], Is.EqualTo(1), "soft tissue four pixels beyond it: out of reach");
        Assert.That(weights[20 * Width + 9], Is.EqualTo(1), "the soft-tissue pixel against the edge keeps 1, as the edge pixel itself");
        Assert.That(weights[20 * Width + 10], Is.EqualTo(1), "the edge pixel itself");
        Assert.That(weights[7 * Width + 12], Is.EqualTo(4), "soft tissue above the consolidation's top edge");
        Assert.That(weights[7 * Width + 23], Is.EqualTo(1), "soft tissue above aerated lung, more than three columns from the consolidation");
        Assert.That(weights[7 * Width + 22], Is.EqualTo(4), "soft tissue above aerated lung, three columns from the consolidation's corner");
        Assert.That(weights[20 * Width + 52], Is.EqualTo(1), "soft tissue beside aerated lung");
        // The lung side is unchanged; outside, the band is every non-lung pixel of rows 7–32 × columns 7–22 (the
        // consolidation's edge, rows 10–29 × columns 10–19, widened by 3) without a lung 4-neighbour: 26·16 pixels,
        // less the lung's 20·13 and the 13 + 13 + 20 that touch it, = 110.
        for (int i = 0; i < weights.Length; i++)
            if (labels[i] == 1) Assert.That(weights[i], Is.EqualTo(lungSideOnly[i]), $"lung pixel {i}");
        Assert.That(Enumerable.Range(0, weights.Length).Count(i => labels[i] != 1 && weights[i] == 4), Is.EqualTo(110));
    }

    [Test]
    public void TheNonLungBesideAeratedLungIsNeverWeighted()
    {
        var (labels, intensity) = ConsolidatedSlice.Make(Height, Width, withConsolidation: false);
        var weights = new float[Height * Width];
        new DenseLungWeighting(4, outsideReach: 5).Fill(labels, intensity, Height, Width, weights);
        Assert.That(weights, Is.All.EqualTo(1), "no dense lung, nothing weighted on either side");
    }

    [Test]
    public void WeightOneIsThePapersLossAndLimitsAreKept()
    {
        var (labels, intensity) = Slice();
        var weights = new float[Height * Width];
        Array.Fill(weights, float.NaN);
        DenseLungWeighting.None.Fill(labels, intensity, Height, Width, weights);
        Assert.That(weights, Is.All.EqualTo(1));
        Assert.That(DenseLungWeighting.None.IsEnabled, Is.False);
        foreach (float bad in new[] { 0.5f, float.NaN, DenseLungWeighting.WeightLimit + 1 })
            Assert.Throws<ArgumentOutOfRangeException>(() => _ = new DenseLungWeighting(bad), $"{bad}");
        foreach (int bad in new[] { -1, DenseLungWeighting.OutsideReachLimit + 1 })
            Assert.Throws<ArgumentOutOfRangeException>(() => _ = new DenseLungWeighting(4, bad), $"reach {bad}");
        Assert.Throws<ArgumentException>(() => _ = new DenseLungWeighting(1, 3), "a reach without a weight");
    }

    [Test]
    public void TheSamplerUploadsTheWeightsOfEachWindow()
    {
        var (labels, intensity) = Slice();
        var data = new TrainingSet([new TrainingSlice("P", intensity, labels, Height, Width)], 2);
        var weighting = new DenseLungWeighting(3);
        var expected = new float[Height * Width];
        weighting.Fill(labels, intensity, Height, Width, expected);
        using var backend = new CpuBackend();
        using var network = HighResNet2D.CreateInitialised(backend, new HighResNetConfiguration(1, 2), seed: 1);

        foreach (var window in new (int, int)?[] { null, (16, 24) })
        {
            var sampler = new TrainingBatchSampler(backend, data, SliceAugmentation.None, ScannerVariation.None, window, batch: 2, weighting);
            var workspace = network.GetWorkspace(2, sampler.WindowHeight, sampler.WindowWidth);
            var random = new SeededRandom(9);
            var probe = new SeededRandom(9);
            sampler.Fill([0, 0], 0, random, workspace);
            var uploaded = new float[2 * sampler.WindowHeight * sampler.WindowWidth];
            backend.Download(workspace.PixelWeights, uploaded);
            for (int b = 0; b < 2; b++)
            {
                // The sampler draws top, then left, per slice; the probe replays the same draws.
                int top = window is null ? 0 : probe.NextInt(Height - sampler.WindowHeight + 1);
                int left = window is null ? 0 : probe.NextInt(Width - sampler.WindowWidth + 1);
                for (int y = 0; y < sampler.WindowHeight; y++)
                for (int x = 0; x < sampler.WindowWidth; x++)
                    Assert.That(uploaded[(b * sampler.WindowHeight + y) * sampler.WindowWidth + x],
                        Is.EqualTo(expected[(top + y) * Width + left + x]), $"window {window}, slice {b}, ({y}, {x})");
            }
        }
    }

    [Test]
    public void WithoutDenseLungTheWeightedRunIsThePapersRunBitForBit()
    {
        var data = TrainerTests.TinyData(8);
        using var backend = new CpuBackend();
        var paper = new Trainer(backend, Options("paper", DenseLungWeighting.None)).Train(data);
        var weighted = new Trainer(backend, Options("weighted", new DenseLungWeighting(4))).Train(data);
        Assert.That(weighted.GlobalStep, Is.EqualTo(paper.GlobalStep));
        CheckpointAssert.BitIdentical(Path.Combine(_folder, "paper", Trainer.CheckpointFileName), Path.Combine(_folder, "weighted", Trainer.CheckpointFileName));
    }

    [Test]
    public void WithConsolidationTheWeightsChangeTheTraining()
    {
        var data = new TrainingSet([.. TrainerTests.TinyData(8).Slices.Select(WithDenseCore)], 2);
        using var backend = new CpuBackend();
        new Trainer(backend, Options("paper", DenseLungWeighting.None)).Train(data);
        new Trainer(backend, Options("weighted", new DenseLungWeighting(4))).Train(data);
        var paper = NativeSeg.Model.Weights.WeightsFile.Load(Path.Combine(_folder, "paper", Trainer.CheckpointFileName)).NetworkTensors;
        var weighted = NativeSeg.Model.Weights.WeightsFile.Load(Path.Combine(_folder, "weighted", Trainer.CheckpointFileName)).NetworkTensors;
        double largest = paper.Max(t => t.Value.Zip(weighted[t.Key], (a, b) => Math.Abs(a - b)).Max());
        Assert.That(largest, Is.GreaterThan(1e-4), "the dense cores' weight must reach the gradient");
    }

    [Test]
    public void TheWeightBeyondDenseLungReachesTheGradient()
    {
        var data = new TrainingSet([.. TrainerTests.TinyData(8).Slices.Select(WithDenseCore)], 2);
        using var backend = new CpuBackend();
        new Trainer(backend, Options("lung-side", new DenseLungWeighting(4))).Train(data);
        new Trainer(backend, Options("both-sides", new DenseLungWeighting(4, outsideReach: 3))).Train(data);
        var lungSide = NativeSeg.Model.Weights.WeightsFile.Load(Path.Combine(_folder, "lung-side", Trainer.CheckpointFileName)).NetworkTensors;
        var bothSides = NativeSeg.Model.Weights.WeightsFile.Load(Path.Combine(_folder, "both-sides", Trainer.CheckpointFileName)).NetworkTensors;
        double largest = lungSide.Max(t => t.Value.Zip(bothSides[t.Key], (a, b) => Math.Abs(a - b)).Max());
        Assert.That(largest, Is.GreaterThan(1e-4), "the weighted non-lung beside the dense edge must reach the gradient");
    }

    private TrainerOptions Options(string name, DenseLungWeighting weighting) => new()
    {
        OutputDirectory = Path.Combine(_folder, name),
        Epochs = 1,
        BatchSize = 2,
        ValidationFraction = 0.25,
        Seed = 3,
        LearningRate = 0.005f,
        CheckpointInterval = TimeSpan.FromHours(1),
        DenseLungWeighting = weighting,
    };

    /// <summary>The slice with every lung pixel that has a lung pixel two to the left and right made consolidation.</summary>
    private static TrainingSlice WithDenseCore(TrainingSlice slice)
    {
        var input = (float[])slice.Input.Clone();
        int w = slice.Width;
        for (int i = 2; i < slice.Labels.Length - 2; i++)
            if (slice.Labels[i - 2] == 1 && slice.Labels[i] == 1 && slice.Labels[i + 2] == 1)
                input[i] = ConsolidatedSlice.Consolidation;
        Assert.That(Enumerable.Range(0, input.Length).Count(i => input[i] == ConsolidatedSlice.Consolidation && slice.Labels[i] == 1), Is.GreaterThan(0));
        return new TrainingSlice(slice.Patient, input, slice.Labels, slice.Height, w);
    }

    private static (byte[] Labels, float[] Intensity) Slice() => ConsolidatedSlice.Make(Height, Width, withConsolidation: true);
}
