using NativeSeg.Engine.Cpu;
using NativeSeg.Model.Training;
using NativeSeg.Model.Weights;

namespace NativeSeg.Model.Tests.Training;

/// <summary>
/// Checkpoints by time: a run killed mid-epoch (here: an exception thrown between steps, after which the checkpoint
/// of the last interval is all that is left, as after kill -9) resumes from that mid-epoch checkpoint to the same
/// weights, Adam moments and history, bit for bit, as a run never interrupted.
/// </summary>
public class TimeCheckpointTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "nativeseg-time-checkpoint-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private TrainerOptions Options(string name, TimeSpan interval) => new()
    {
        OutputDirectory = Path.Combine(_folder, name),
        Epochs = 2,
        BatchSize = 2,
        ValidationFraction = 0.25,
        Seed = 3,
        Augmentation = SliceAugmentation.Default,
        CheckpointInterval = interval,
    };

    private sealed class SimulatedKill : Exception;

    [Test]
    public void KilledAfterAMidEpochTimeCheckpoint_ResumesToBitIdenticalWeights()
    {
        var data = TrainerTests.TinyData(8);
        using var backend = new CpuBackend();
        var straight = new Trainer(backend, Options("straight", TimeSpan.FromHours(1))).Train(data);
        Assert.That(straight.GlobalStep, Is.EqualTo(6), "3 steps per epoch, 2 epochs");

        // Interval zero: a checkpoint after every step that does not end an epoch. Step 4 is epoch 2, step 1 of 3.
        var trainer = new Trainer(backend, Options("killed", TimeSpan.Zero));
        string kept = Path.Combine(_folder, "kept.safetensors");
        Assert.Throws<SimulatedKill>(() => trainer.Train(data, p =>
        {
            if (p.Phase != TrainingPhase.Step) return;
            if (p.GlobalStep == 4) File.Copy(trainer.CheckpointPath, kept);
            // Step 5 ran and wrote its own checkpoint; put back the one of step 4, as if the kill came before that write.
            if (p.GlobalStep == 5) throw new SimulatedKill();
        }));
        File.Copy(kept, trainer.CheckpointPath, overwrite: true);
        var (_, state, _) = Checkpoint.Load(trainer.CheckpointPath);
        Assert.That((state.Epoch, state.StepInEpoch, state.GlobalStep), Is.EqualTo((1, 1, 4L)), "a mid-epoch position");

        var resumed = new Trainer(backend, Options("killed", TimeSpan.FromHours(1))).Resume(trainer.CheckpointPath, data);
        Assert.That(resumed.Outcome, Is.EqualTo(TrainingOutcome.Completed));
        Assert.That(resumed.GlobalStep, Is.EqualTo(6));

        CheckpointAssert.BitIdentical(straight.CheckpointPath, resumed.CheckpointPath);
        Assert.That(resumed.History.Select(h => h.MeanLoss), Is.EqualTo(straight.History.Select(h => h.MeanLoss)));
        Assert.That(resumed.History.Select(h => h.ValidationDice), Is.EqualTo(straight.History.Select(h => h.ValidationDice)));
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(trainer.CheckpointPath)!, ".nativeseg-tmp-*"), Is.Empty, "no temporary left");
    }

    [Test]
    public void NegativeIntervalIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Options("x", TimeSpan.FromSeconds(-1)).Validate());
}
