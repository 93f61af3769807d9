using NativeSeg.Engine.Cpu;
using NativeSeg.IO;
using NativeSeg.Model.Network;
using NativeSeg.Model.Training;
using NativeSeg.Model.Weights;

namespace NativeSeg.Model.Tests.Training;

/// <summary>
/// The fine-tuning recipe's two levers: a learning-rate schedule (warm-up + cosine decay) and oversampling of slices
/// whose lung meets the chest wall with dense tissue. Both must keep the trainer's promises: the paper's recipe is
/// unchanged by default, the schedule is what the optimiser really uses, and an interrupted run resumes bit for bit.
/// </summary>
public class TrainingRecipeTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "nativeseg-recipe-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void ConstantScheduleIsTheBaseRateEverywhere()
    {
        foreach (long step in new long[] { 1, 2, 50, 100 })
            Assert.That(LearningRateSchedule.Constant.At(step, 100, 0.02f), Is.EqualTo(0.02f));
    }

    [Test]
    public void CosineWarmsUpLinearlyThenFallsToItsFloor()
    {
        var schedule = LearningRateSchedule.Cosine(floorFraction: 0.1, warmupSteps: 10);
        Assert.That(schedule.At(1, 110, 1f), Is.EqualTo(0.1f).Within(1e-6f), "first warm-up step");
        Assert.That(schedule.At(5, 110, 1f), Is.EqualTo(0.5f).Within(1e-6f));
        Assert.That(schedule.At(10, 110, 1f), Is.EqualTo(1f).Within(1e-6f), "warm-up reaches the base rate");
        Assert.That(schedule.At(11, 110, 1f), Is.EqualTo(1f).Within(1e-6f), "the decay starts at the base rate");
        // Halfway through the decay the cosine term is 1/2: floor + (1 − floor) / 2.
        Assert.That(schedule.At(11 + 99 / 2, 110, 1f), Is.EqualTo(0.55f).Within(0.02f));
        Assert.That(schedule.At(110, 110, 1f), Is.EqualTo(0.1f).Within(1e-6f), "the last step is at the floor");
        float previous = float.MaxValue;
        for (long step = 11; step <= 110; step++)
        {
            float rate = schedule.At(step, 110, 1f);
            Assert.That(rate, Is.LessThanOrEqualTo(previous), $"step {step}");
            previous = rate;
        }
    }

    [TestCase("constant", "constant")]
    [TestCase("cosine", "cosine:0.05 (warm-up 0 steps)")]
    [TestCase("cosine:0.2", "cosine:0.2 (warm-up 0 steps)")]
    public void SchedulesParseFromTheCliForm(string text, string expected) =>
        Assert.That(LearningRateSchedule.Parse(text).ToString(), Is.EqualTo(expected));

    [TestCase("linear")]
    [TestCase("cosine:2")]
    [TestCase("cosine:-0.1")]
    [TestCase("cosine:x")]
    public void UnknownSchedulesAreRefused(string text) =>
        Assert.Throws<FormatException>(() => LearningRateSchedule.Parse(text));

    [Test]
    public void DenseBoundaryShareCountsTheLungEdgeNotItsInside()
    {
        var aerated = Disc(40, denseSide: false, denseInside: true);
        Assert.That(PleuralDensityOversampling.DenseBoundaryShare(aerated), Is.Zero,
            "a dense core away from the edge is not consolidation at the pleura");
        var consolidated = Disc(40, denseSide: true, denseInside: false);
        double share = PleuralDensityOversampling.DenseBoundaryShare(consolidated);
        Assert.That(share, Is.InRange(0.35, 0.65), "one half of the disc's edge is dense");
        var empty = new TrainingSlice("P", new float[16 * 16], new byte[16 * 16], 16, 16);
        Assert.That(PleuralDensityOversampling.DenseBoundaryShare(empty), Is.Zero);
    }

    [Test]
    public void CopiesGrowWithTheShareAndSaturate()
    {
        Assert.That(PleuralDensityOversampling.Copies(0, 4), Is.EqualTo(1));
        Assert.That(PleuralDensityOversampling.Copies(0.1, 4), Is.EqualTo(3), "half the saturating share: 1 + round(1.5)");
        Assert.That(PleuralDensityOversampling.Copies(0.2, 4), Is.EqualTo(4));
        Assert.That(PleuralDensityOversampling.Copies(0.9, 4), Is.EqualTo(4));
        Assert.That(PleuralDensityOversampling.Copies(0.9, 1), Is.EqualTo(1));
    }

    [Test]
    public void TheEpochPoolRepeatsOnlyTheDenseEdgedSlices()
    {
        var data = MixedData(16);
        var all = Enumerable.Range(0, data.Slices.Count).ToList();
        Assert.That(PleuralDensityOversampling.EpochPool(data, all, 1), Is.EqualTo(all.ToArray()));
        var pool = PleuralDensityOversampling.EpochPool(data, all, 3);
        for (int i = 0; i < data.Slices.Count; i++)
        {
            int expected = i % 2 == 1 ? 3 : 1;
            Assert.That(pool.Count(p => p == i), Is.EqualTo(expected), $"slice {i}");
        }
    }

    [Test]
    public void TheOptimiserUsesTheScheduledRate()
    {
        // Adam's first update moves every weight with a non-zero gradient by almost exactly the learning rate
        // (m̂ / √v̂ = ±1 at step 1), so the largest change after one step is the rate the schedule gave step 1.
        var data = TrainerTests.TinyData(8);
        using var backend = new CpuBackend();
        var options = Options("one-step") with
        {
            Epochs = 4, MaxStepsThisRun = 1, LearningRate = 0.01f, Decay = 0,
            Schedule = LearningRateSchedule.Cosine(0.05, warmupSteps: 4),
        };
        var trainer = new Trainer(backend, options);
        trainer.Train(data);
        var after = WeightsFile.Load(trainer.CheckpointPath).NetworkTensors;
        var initial = InitialWeights(data, options);
        double largest = initial.Max(t => t.Value.Zip(after[t.Key], (a, b) => Math.Abs(a - b)).Max());
        Assert.That(largest, Is.EqualTo(0.01 / 4).Within(0.01 / 4 * 0.02), "warm-up step 1 of 4: a quarter of the base rate");
    }

    [Test]
    public void AnInterruptedRunWithTheRecipeResumesBitIdentically()
    {
        var data = MixedData(16);
        using var backend = new CpuBackend();
        var straightOptions = Options("straight");
        var straight = new Trainer(backend, straightOptions).Train(data);
        Assert.That(straight.GlobalStep, Is.GreaterThan(8), "oversampling lengthens the epoch beyond 3 steps");

        var trainer = new Trainer(backend, Options("interrupted") with { MaxStepsThisRun = 5 });
        Assert.That(trainer.Train(data).Outcome, Is.EqualTo(TrainingOutcome.Interrupted));
        var resumed = new Trainer(backend, Options("interrupted")).Resume(trainer.CheckpointPath, data);
        Assert.That(resumed.GlobalStep, Is.EqualTo(straight.GlobalStep));

        CheckpointAssert.BitIdentical(Path.Combine(straightOptions.OutputDirectory, Trainer.CheckpointFileName), trainer.CheckpointPath);
    }

    [Test]
    public void AResumeCannotChangeTheRecipe()
    {
        var data = MixedData(16);
        using var backend = new CpuBackend();
        var trainer = new Trainer(backend, Options("run") with { MaxStepsThisRun = 2 });
        trainer.Train(data);
        var other = new Trainer(backend, Options("run") with { Schedule = LearningRateSchedule.Constant });
        var e = Assert.Throws<InvalidInputException>(() => other.Resume(trainer.CheckpointPath, data))!;
        Assert.That(e.Message, Does.Contain("cosine").And.Contain("constant"));
    }

    private TrainerOptions Options(string name) => new()
    {
        OutputDirectory = Path.Combine(_folder, name),
        Epochs = 2,
        BatchSize = 2,
        ValidationFraction = 0.25,
        Seed = 5,
        LearningRate = 0.005f,
        Schedule = LearningRateSchedule.Cosine(0.1, warmupSteps: 2),
        PleuralOversampling = 3,
        CheckpointInterval = TimeSpan.FromHours(1),
    };

    private static Dictionary<string, float[]> InitialWeights(TrainingSet data, TrainerOptions options)
    {
        using var backend = new CpuBackend();
        using var network = HighResNet2D.CreateInitialised(backend,
            new HighResNetConfiguration(data.InputChannels, data.Classes), options.Seed);
        var all = network.ExportTensors();
        return network.TrainableTensors.ToDictionary(t => t.Name, t => all[t.Name]);
    }

    /// <summary>A dark (aerated) disc of lung on a bright background; optionally its right half or its core dense.</summary>
    private static TrainingSlice Disc(int size, bool denseSide, bool denseInside, string patient = "P")
    {
        var input = new float[size * size];
        var labels = new byte[size * size];
        double c = size / 2.0, r = size / 3.0;
        for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++)
        {
            double d = Math.Sqrt((y - c) * (y - c) + (x - c) * (x - c));
            bool inside = d < r;
            labels[y * size + x] = inside ? (byte)1 : (byte)0;
            bool dense = !inside || (denseSide && x > c) || (denseInside && d < r / 2);
            input[y * size + x] = dense ? 1.0f : 0.15f;
        }
        return new TrainingSlice(patient, input, labels, size, size);
    }

    /// <summary>Four patients, two slices each: the even slices aerated discs, the odd ones half consolidated.</summary>
    private static TrainingSet MixedData(int size)
    {
        var slices = new List<TrainingSlice>();
        for (int patient = 0; patient < 4; patient++)
        {
            slices.Add(Disc(size, denseSide: false, denseInside: false, $"P{patient}"));
            slices.Add(Disc(size, denseSide: true, denseInside: false, $"P{patient}"));
        }
        return new TrainingSet(slices, 2, "discs, half of them consolidated at the edge");
    }
}
