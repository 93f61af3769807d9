using System.Diagnostics;
using NativeSeg.Model.Training;
using NativeSeg.Model.Weights;

namespace NativeSeg.Cli.Tests;

/// <summary>
/// `train` checkpoints by time as well as at epoch ends: a real `nativeseg train` process killed with SIGKILL
/// mid-epoch loses at most the last interval, and `--resume` ends with the same weights and Adam moments, bit for
/// bit, as a run never interrupted. The next run also removes the temporaries the killed one left.
/// </summary>
public sealed class TrainKillTests
{
    [Test]
    public void KilledMidEpoch_ResumesToBitIdenticalWeights()
    {
        using var folder = new TemporaryFolder();
        string manifest = TinyTraining.Manifest(folder);
        string[] Train(string output) => TinyTraining.Arguments(manifest, output, epochs: 12);

        string straight = folder.File("straight");
        CliRunner.Expect(ExitCodes.Success, Train(straight));

        // Interval 0: a checkpoint after every step, so the kill below lands after some mid-epoch checkpoint.
        string killed = folder.File("killed");
        string checkpoint = Path.Combine(killed, Trainer.CheckpointFileName);
        using (var process = Process.Start(new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "nativeseg"), [.. Train(killed), "--checkpoint-minutes", "0"])
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        })!)
        {
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var clock = Stopwatch.StartNew();
            while (!File.Exists(checkpoint) && !process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(20);
            Thread.Sleep(150);
            if (process.HasExited) Assert.Inconclusive("training finished before it could be killed");
            process.Kill();  // SIGKILL: no handler runs, no checkpoint on the way out
            process.WaitForExit();
        }
        var (_, state, _) = Checkpoint.Load(checkpoint);
        Assert.That(state.GlobalStep, Is.GreaterThan(0));
        Assert.That(state.Epoch, Is.LessThan(12), "killed before the end");
        // What a kill during a write leaves: a hidden temporary of a process that no longer exists.
        string orphan = Path.Combine(killed, $".nativeseg-tmp-{DeadProcessId()}-{Trainer.CheckpointFileName}.{Guid.NewGuid():N}");
        File.WriteAllBytes(orphan, new byte[1000]);
        // Written before the resuming run started. The resume runs in this test process, which started before the
        // killed run, so every temporary there (the orphan above, and the killed run's own when the kill landed in a
        // checkpoint write) is dated before this process's start, as a resume in a process of its own would see it.
        foreach (string temporary in Directory.GetFiles(killed, ".nativeseg-tmp-*"))
            File.SetLastWriteTimeUtc(temporary, Process.GetCurrentProcess().StartTime.ToUniversalTime().AddSeconds(-1));

        var resumed = CliRunner.Expect(ExitCodes.Success, [.. Train(killed), "--resume"]);
        Assert.That(resumed.Out, Does.Contain("Completed: 12 epochs"), resumed.ToString());
        Assert.That(File.Exists(orphan), Is.False, "the killed run's temporary is removed");

        var a = WeightsFile.Load(Path.Combine(straight, Trainer.CheckpointFileName));
        var b = WeightsFile.Load(checkpoint);
        Assert.That(b.NetworkTensors.Keys.Concat(b.ExtraTensors.Keys), Is.EquivalentTo(a.NetworkTensors.Keys.Concat(a.ExtraTensors.Keys)));
        foreach (var (name, values) in a.NetworkTensors.Concat(a.ExtraTensors))
        {
            var other = b.NetworkTensors.TryGetValue(name, out var v) ? v : b.ExtraTensors[name];
            Assert.That(other.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(values.Select(BitConverter.SingleToInt32Bits)), name);
        }
        Assert.That(Directory.GetFiles(killed, ".nativeseg-tmp-*"), Is.Empty);
    }

    [Test]
    public void NegativeCheckpointInterval_IsUsageError()
    {
        using var folder = new TemporaryFolder();
        var result = CliRunner.Expect(ExitCodes.UsageError, "train", folder.File("m.json"), "-o", folder.File("run"), "--checkpoint-minutes", "-1");
        Assert.That(result.ErrorLines.Single(), Does.Contain("--checkpoint-minutes"));
    }

    private static int DeadProcessId()
    {
        for (int pid = 4_000_000; ; pid--)
            if (!Directory.Exists($"/proc/{pid}")) return pid;
    }
}
