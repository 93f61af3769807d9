using NativeSeg.Engine.Cpu;
using NativeSeg.Model.Inference;
using NativeSeg.Model.Network;
using NativeSeg.Model.Randomness;
using NativeSeg.Model.Training;
using NativeSeg.Model.Weights;

namespace NativeSeg.Model.Tests.Training;

/// <summary>The trainer on the cpu backend with a tiny configuration: 4 patients × 2 slices of 16×16, batch 2.</summary>
public class TrainerTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "nativeseg-trainer-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void InterruptedAndResumedRunEndsWithBitIdenticalWeights()
    {
        var data = TinyData(8);
        using var backend = new CpuBackend();

        var straight = Options("straight");
        var result = new Trainer(backend, straight).Train(data);
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Completed));
        Assert.That(result.GlobalStep, Is.EqualTo(6), "3 training patients × 2 slices / batch 2 = 3 steps per epoch, 2 epochs");

        var resumedOptions = Options("resumed");
        using var cancellation = new CancellationTokenSource();
        var trainer = new Trainer(backend, resumedOptions);
        var first = trainer.Train(data, p => { if (p.GlobalStep == 4) cancellation.Cancel(); }, cancellation.Token);
        Assert.That(first.Outcome, Is.EqualTo(TrainingOutcome.Interrupted));
        Assert.That(first.GlobalStep, Is.EqualTo(4));
        var second = trainer.Resume(trainer.CheckpointPath, data);
        Assert.That(second.Outcome, Is.EqualTo(TrainingOutcome.Completed));
        Assert.That(second.GlobalStep, Is.EqualTo(6));

        string straightCheckpoint = Path.Combine(straight.OutputDirectory, Trainer.CheckpointFileName);
        CheckpointAssert.BitIdentical(straightCheckpoint, trainer.CheckpointPath);
        Assert.That(WeightsFile.Load(straightCheckpoint).ExtraTensors, Has.Count.EqualTo(2 * 63), "Adam moments are in the checkpoint");
        Assert.That(second.History.Select(h => h.MeanLoss), Is.EqualTo(result.History.Select(h => h.MeanLoss)));
        Assert.That(second.History.Select(h => h.ValidationDice), Is.EqualTo(result.History.Select(h => h.ValidationDice)));
    }

    [Test]
    public void WritesLogPlotAndBestWeightsAndReportsProgress()
    {
        var data = TinyData(8);
        using var backend = new CpuBackend();
        var progress = new List<TrainingProgress>();
        var result = new Trainer(backend, Options("outputs") with { Epochs = 3 }).Train(data, progress.Add);

        Assert.That(progress.Count(p => p.Phase == TrainingPhase.Step), Is.EqualTo(9));
        var ends = progress.Where(p => p.Phase == TrainingPhase.EpochEnd).ToList();
        Assert.That(ends.Select(p => p.Epoch), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(ends.All(p => p.ValidationDice is >= 0 and <= 1));
        Assert.That(progress.All(p => double.IsFinite(p.Loss) && p.SlicesPerSecond > 0));
        Assert.That(progress[^1].EstimatedRemaining, Is.EqualTo(TimeSpan.Zero));

        var csv = File.ReadAllLines(result.LogPath);
        Assert.That(csv[0], Is.EqualTo(TrainingLog.CsvHeader));
        Assert.That(csv, Has.Length.EqualTo(4));
        string svg = File.ReadAllText(result.PlotPath);
        Assert.That(svg, Does.StartWith("<svg").And.Contain("<polyline"));

        Assert.That(result.BestEpoch, Is.InRange(1, 3));
        Assert.That(result.BestValidationDice, Is.EqualTo(result.History.Max(h => h.ValidationDice)));
        using var segmenter = Segmenter.Load(result.BestWeightsPath, backend);
        Assert.That(segmenter.Metadata.TrainingData, Is.EqualTo("tiny synthetic discs"));
        Assert.That(segmenter.Metadata.Extra["validation_dice"], Is.Not.Empty);
        Assert.That(Directory.GetFiles(Path.Combine(_folder, "outputs")).Where(f => f.Contains(".tmp") || f.Contains(".nativeseg-tmp-")), Is.Empty);
    }

    [Test]
    public void EachEpochsWeightsAreKeptWhenAskedAcrossAResume()
    {
        var data = TinyData(8);
        using var backend = new CpuBackend();
        var options = Options("epochs") with { Epochs = 3, KeepEpochWeights = true };
        var trainer = new Trainer(backend, options with { MaxStepsThisRun = 4 });
        trainer.Train(data);
        Assert.That(File.Exists(trainer.EpochWeightsPath(1)) && !File.Exists(trainer.EpochWeightsPath(2)), "after step 4 of 3-step epochs, only epoch 1 is done");
        var second = new Trainer(backend, options);
        second.Resume(second.CheckpointPath, data);

        var final = WeightsFile.Load(second.CheckpointPath).NetworkTensors;
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            var kept = WeightsFile.Load(second.EpochWeightsPath(epoch));
            Assert.That(kept.Metadata.Extra[Checkpoint.EpochKey], Is.EqualTo(epoch.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(kept.ExtraTensors, Is.Empty, "weights only, no Adam moments");
            if (epoch == 3)
                foreach (var (name, values) in final)
                    Assert.That(kept.NetworkTensors[name], Is.EqualTo(values).AsCollection, name);
        }
        var firstEpoch = WeightsFile.Load(second.EpochWeightsPath(1)).NetworkTensors;
        Assert.That(final.Any(t => !t.Value.SequenceEqual(firstEpoch[t.Key])), "epoch 1's weights are not the last epoch's");

        var plain = new Trainer(backend, Options("plain"));
        plain.Train(data);
        Assert.That(Directory.GetFiles(plain.Options.OutputDirectory, "epoch*"), Is.Empty, "off by default");
    }

    [Test]
    public void NanStopsTrainingNamingTheStepAndKeepsTheLastGoodCheckpoint()
    {
        var data = TinyData(8);
        using var backend = new CpuBackend();
        var options = Options("nan") with { Epochs = 1 };
        var trainer = new Trainer(backend, options);
        trainer.Train(data);
        var good = File.ReadAllBytes(trainer.CheckpointPath);

        foreach (var slice in data.Slices)
            slice.Input[5] = float.NaN;
        var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(backend, options with { Epochs = 2 }).Resume(trainer.CheckpointPath, data));
        Assert.That(e!.Step, Is.EqualTo(4));
        Assert.That(e.Message, Does.Contain("step 4"));
        Assert.That(File.ReadAllBytes(trainer.CheckpointPath), Is.EqualTo(good));
    }

    [Test]
    public void FineTuningStartsFromTheGivenWeightsWithFreshMoments()
    {
        var data = TinyData(8);
        using var backend = new CpuBackend();
        var pretrained = new Trainer(backend, Options("pretrained") with { Epochs = 1 }).Train(data);
        var initial = WeightsFile.Load(pretrained.BestWeightsPath);

        var options = Options("finetuned") with { MaxStepsThisRun = 0, ValidationPatients = [data.Patients[0]] };
        var trainer = new Trainer(backend, options);
        var stopped = trainer.FineTune(pretrained.BestWeightsPath, data);
        Assert.That(stopped.Outcome, Is.EqualTo(TrainingOutcome.Interrupted));
        Assert.That(stopped.GlobalStep, Is.Zero);
        var checkpoint = WeightsFile.Load(trainer.CheckpointPath);
        foreach (var (name, values) in initial.NetworkTensors)
            Assert.That(checkpoint.NetworkTensors[name].Select(BitConverter.SingleToInt32Bits), Is.EqualTo(values.Select(BitConverter.SingleToInt32Bits)), name);
        Assert.That(checkpoint.ExtraTensors.Values.All(m => m.All(v => v == 0)), Is.True, "Adam moments start at zero");

        // The fine-tuning run then continues like any other run, and validates on the named patient.
        var resumed = new Trainer(backend, options with { MaxStepsThisRun = null }).Resume(trainer.CheckpointPath, data);
        Assert.That(resumed.Outcome, Is.EqualTo(TrainingOutcome.Completed));
        Assert.That(resumed.GlobalStep, Is.EqualTo(6));
        Assert.Throws<NativeSeg.IO.InvalidInputException>(() => new Trainer(backend, Options("wrong")).FineTune(Path.Combine(_folder, "none.safetensors"), data));
    }

    [Test]
    public void FineTuningCanKeepTheCheckpointsAdamMoments()
    {
        var data = TinyData(8);
        using var backend = new CpuBackend();
        var pretrained = new Trainer(backend, Options("pretrained-moments") with { Epochs = 1 }).Train(data);
        var (source, _, sourceStep) = Checkpoint.Load(pretrained.CheckpointPath);
        Assert.That(source.ExtraTensors.Values.Any(m => m.Any(v => v != 0)), Is.True);

        var trainer = new Trainer(backend, Options("kept") with { MaxStepsThisRun = 0 });
        trainer.FineTune(pretrained.CheckpointPath, data, keepAdamMoments: true);
        var (kept, state, keptStep) = Checkpoint.Load(trainer.CheckpointPath);
        Assert.That(keptStep, Is.EqualTo(sourceStep), "Adam's step count (its bias correction) carries on");
        Assert.That(state.Epoch, Is.Zero, "a new run on its own data: epoch 0");
        foreach (var (name, values) in source.ExtraTensors)
            Assert.That(kept.ExtraTensors[name].Select(BitConverter.SingleToInt32Bits), Is.EqualTo(values.Select(BitConverter.SingleToInt32Bits)), name);

        // Moments exist only in a checkpoint: a weights file cannot give them.
        var e = Assert.Throws<NativeSeg.IO.InvalidInputException>(() =>
            new Trainer(backend, Options("no-moments")).FineTune(pretrained.BestWeightsPath, data, keepAdamMoments: true))!;
        Assert.That(e.Message, Does.Contain("not a training checkpoint"));
    }

    [Test]
    public void ScannerVariationReachesTheBatchesAndIsPartOfTheRecipe()
    {
        var data = TinyData(8);
        using var backend = new CpuBackend();
        var plain = new Trainer(backend, Options("plain") with { Epochs = 1 }).Train(data);
        var varied = Options("varied") with { Epochs = 1, ScannerVariation = new ScannerVariation(40, 1) };
        var trainer = new Trainer(backend, varied);
        var result = trainer.Train(data);
        Assert.That(result.History[0].MeanLoss, Is.Not.EqualTo(plain.History[0].MeanLoss), "the noisy, blurred batches train differently");

        var e = Assert.Throws<NativeSeg.IO.InvalidInputException>(() =>
            new Trainer(backend, varied with { Epochs = 2, ScannerVariation = ScannerVariation.None }).Resume(trainer.CheckpointPath, data))!;
        Assert.That(e.Message, Does.Contain("scanner variation"));
    }

    [Test]
    public void FieldOfViewCutReachesTheBatchesAndIsPartOfTheRecipe()
    {
        var data = TinyData(8);
        using var backend = new CpuBackend();
        var plain = new Trainer(backend, Options("uncut") with { Epochs = 1 }).Train(data);
        var cut = Options("cut") with { Epochs = 1, FieldOfViewCut = new FieldOfViewCut(0.2) };
        var trainer = new Trainer(backend, cut);
        var result = trainer.Train(data);
        Assert.That(result.History[0].MeanLoss, Is.Not.EqualTo(plain.History[0].MeanLoss), "the cut slices train differently");
        Assert.That(WeightsFile.Load(result.BestWeightsPath).RawMetadata["trainer"], Does.Contain("field-of-view cut"));

        var e = Assert.Throws<NativeSeg.IO.InvalidInputException>(() =>
            new Trainer(backend, cut with { Epochs = 2, FieldOfViewCut = FieldOfViewCut.None }).Resume(trainer.CheckpointPath, data))!;
        Assert.That(e.Message, Does.Contain("field-of-view cut"));
    }

    [Test]
    public void ResumeOnOtherDataIsRefusedNamingTheWayToContinue()
    {
        var data = TinyData(8);
        using var backend = new CpuBackend();
        var options = Options("changed") with { MaxStepsThisRun = 1 };
        var trainer = new Trainer(backend, options);
        trainer.Train(data);

        // The same patients with two slices more: the checkpoint's half-done epoch cannot be finished on them.
        var larger = new TrainingSet(data.Slices.Concat(data.Slices.Take(2)).ToList(), 2, "tiny discs, two repeated");
        var e = Assert.Throws<NativeSeg.IO.InvalidInputException>(() =>
            new Trainer(backend, options with { MaxStepsThisRun = null }).Resume(trainer.CheckpointPath, larger))!;
        Assert.That(e.Message, Does.Contain("trained on \"tiny synthetic discs\", this data set is \"tiny discs, two repeated\"").And.Contain("--keep-adam-moments"));
        Assert.That(new Trainer(backend, options with { MaxStepsThisRun = null }).Resume(trainer.CheckpointPath, data).Outcome,
            Is.EqualTo(TrainingOutcome.Completed), "the data it was started on still resumes");
    }

    [Test]
    public void ResumeAtAnEpochBoundaryOnOtherDataIsRefused()
    {
        // A finished epoch leaves no epoch order to compare: only the data's description can tell the sets apart.
        var data = TinyData(8);
        using var backend = new CpuBackend();
        var options = Options("boundary") with { Epochs = 1 };
        var trainer = new Trainer(backend, options);
        trainer.Train(data);
        var relabelled = new TrainingSet(data.Slices, 2, "tiny discs, edges uncertain");
        var e = Assert.Throws<NativeSeg.IO.InvalidInputException>(() =>
            new Trainer(backend, options with { Epochs = 2 }).Resume(trainer.CheckpointPath, relabelled))!;
        Assert.That(e.Message, Does.Contain("--resume needs the data it was started on"));
        Assert.That(new Trainer(backend, options with { Epochs = 2 }).Resume(trainer.CheckpointPath, data).History, Has.Count.EqualTo(2));
    }

    [Test]
    public void ACheckpointWithoutADataDescriptionStillMeetsTheEpochOrderCheck()
    {
        // Checkpoints written before the description was compared: a mid-epoch resume on other data is still refused.
        var data = TinyData(8);
        using var backend = new CpuBackend();
        var options = Options("undescribed") with { MaxStepsThisRun = 1 };
        var trainer = new Trainer(backend, options);
        trainer.Train(data);
        var stored = SafeTensorsFile.Load(trainer.CheckpointPath);
        Assert.That(stored.Metadata.Remove("training_data"), "the checkpoint describes its data");
        string undescribed = Path.Combine(Path.GetDirectoryName(trainer.CheckpointPath)!, "undescribed.safetensors");
        stored.Save(undescribed);
        var larger = new TrainingSet(data.Slices.Concat(data.Slices.Take(2)).ToList(), 2, "tiny discs, two repeated");
        var e = Assert.Throws<NativeSeg.IO.InvalidInputException>(() =>
            new Trainer(backend, options with { MaxStepsThisRun = null }).Resume(undescribed, larger))!;
        Assert.That(e.Message, Does.Contain("drawn from 6 slices, this data set gives 8").And.Contain("--keep-adam-moments"));
    }

    [Test]
    public void FineTuningWithHeldStatisticsMovesTheParametersButNotTheStatistics()
    {
        var data = TinyData(8);
        using var backend = new CpuBackend();
        var pretrained = new Trainer(backend, Options("pretrained-held") with { Epochs = 1 }).Train(data);
        var initial = WeightsFile.Load(pretrained.BestWeightsPath).NetworkTensors;
        using (var probe = new HighResNet2D(backend, WeightsFile.Load(pretrained.BestWeightsPath).Configuration))
        {
            var statistics = probe.Tensors.Where(t => !t.IsTrainable).Select(t => t.Name).ToHashSet();
            var options = Options("held") with { BatchNormStatistics = BatchNormStatistics.Running, MaxStepsThisRun = 4 };
            var trainer = new Trainer(backend, options);
            trainer.FineTune(pretrained.BestWeightsPath, data);
            var after = WeightsFile.Load(trainer.CheckpointPath).NetworkTensors;
            foreach (var (name, values) in initial)
            {
                bool same = after[name].Select(BitConverter.SingleToInt32Bits).SequenceEqual(values.Select(BitConverter.SingleToInt32Bits));
                Assert.That(same, Is.EqualTo(statistics.Contains(name)), statistics.Contains(name) ? $"{name} was moved" : $"{name} did not train");
            }

            // The mode is part of the recipe: a resume cannot drop it.
            var e = Assert.Throws<NativeSeg.IO.InvalidInputException>(() =>
                new Trainer(backend, options with { BatchNormStatistics = BatchNormStatistics.Batch }).Resume(trainer.CheckpointPath, data))!;
            Assert.That(e.Message, Does.Contain("running statistics held"));
        }
    }

    [Test]
    public void EarlyStoppingStopsAfterThePatience()
    {
        var data = TinyData(8);
        using var backend = new CpuBackend();
        // A learning rate too small to change the argmax keeps the validation Dice flat: no epoch improves on the first.
        var result = new Trainer(backend, Options("early") with { Epochs = 10, LearningRate = 1e-9f, EarlyStoppingPatience = 2 }).Train(data);
        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.EarlyStopped));
        Assert.That(result.EpochsCompleted, Is.EqualTo(3));
    }

    /// <summary>
    /// The L2 penalty and the gradients' finiteness check share one batched sum-of-squares call per step (a GPU
    /// waits once, not 126 times); nothing asks for a single sum any more.
    /// </summary>
    [Test]
    public void EachStepAsksForItsSumsOfSquaresInOneCall()
    {
        var data = TinyData(8);
        using var backend = new SumCountingBackend(new CpuBackend());
        var result = new Trainer(backend, Options("batched") with { Epochs = 1 }).Train(data);
        Assert.That(result.GlobalStep, Is.EqualTo(3));
        Assert.That(backend.BatchedCalls, Is.EqualTo(3), "one SumsOfSquares call per step");
        Assert.That(backend.TensorsPerCall, Is.EqualTo(2 * 63), "63 regularised values and their 63 gradients");
        Assert.That(backend.SingleCalls, Is.Zero);
    }

    private sealed class SumCountingBackend(NativeSeg.Engine.IBackend inner) : NativeSeg.Engine.DelegatingBackend(inner)
    {
        public int SingleCalls { get; private set; }
        public int BatchedCalls { get; private set; }
        public int TensorsPerCall { get; private set; }

        public override double SumOfSquares(NativeSeg.Engine.Tensors.Tensor tensor)
        {
            SingleCalls++;
            return Inner.SumOfSquares(tensor);
        }

        public override void SumsOfSquares(IReadOnlyList<NativeSeg.Engine.Tensors.Tensor> tensors, Span<double> sums)
        {
            BatchedCalls++;
            TensorsPerCall = tensors.Count;
            Inner.SumsOfSquares(tensors, sums);
        }
    }

    private TrainerOptions Options(string name) => new()
    {
        OutputDirectory = Path.Combine(_folder, name),
        Epochs = 2,
        BatchSize = 2,
        ValidationFraction = 0.25,
        Seed = 5,
        LearningRate = 0.01f,
    };

    /// <summary>Four patients, two 16×16 slices each: a bright disc (label 1) on a darker background.</summary>
    internal static TrainingSet TinyData(int size)
    {
        size *= 2;
        var random = new SeededRandom(77);
        var slices = new List<TrainingSlice>();
        for (int patient = 0; patient < 4; patient++)
        for (int s = 0; s < 2; s++)
        {
            var input = new float[size * size];
            var labels = new byte[size * size];
            double cy = random.NextDouble(5, size - 5), cx = random.NextDouble(5, size - 5), r = random.NextDouble(3, 5);
            for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                bool inside = (y - cy) * (y - cy) + (x - cx) * (x - cx) < r * r;
                labels[y * size + x] = inside ? (byte)1 : (byte)0;
                input[y * size + x] = (float)((inside ? 0.2 : 0.9) + random.NextDouble(-0.1, 0.1));
            }
            slices.Add(new TrainingSlice($"P{patient}", input, labels, size, size));
        }
        return new TrainingSet(slices, 2, "tiny synthetic discs");
    }
}
