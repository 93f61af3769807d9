using NativeSeg.Cli.Outputs;

namespace NativeSeg.Cli.Tests;

/// <summary>
/// Outputs are all or nothing: every output location is checked before any work, a failure while writing one
/// output leaves none of them (and names the user's file, not the hidden temporary), and temporaries that a
/// killed run left behind are removed by the next run in that folder.
/// </summary>
public sealed class AllOrNothingOutputTests
{
    private TemporaryFolder _folder = null!;
    private Phantoms.Files _phantom = null!;

    [SetUp]
    public void MakeInputs()
    {
        _folder = new TemporaryFolder();
        _phantom = Phantoms.Make(_folder, "p", "32x32x8");
    }

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    [Test]
    public void PreviewInAMissingFolder_IsFoundBeforeAnyWork()
    {
        string garbage = _folder.File("garbage.safetensors");
        File.WriteAllBytes(garbage, new byte[4096]);
        string preview = Path.Combine(_folder.Path, "nosuch", "preview.png");
        var before = FolderSnapshot.Take(_folder.Path);
        // Garbage weights: had the command read them (work) before checking the preview's folder, it would say so instead.
        var result = CliRunner.Expect(ExitCodes.InvalidInput, "segment", _phantom.Ct, "-o", _folder.File("mask.nii.gz"),
            "--probabilities", _folder.File("prob.nii.gz"), "--preview", preview, "--weights", garbage, "--device", "cpu");
        Assert.That(result.ErrorLines.Single(), Does.Contain(preview).And.Contain("does not exist"));
        FolderSnapshot.AssertUnchanged(before, _folder.Path, "no mask, no probabilities, inputs unchanged");
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void ReadOnlyOutputFolder_IsFoundBeforeAnyWork()
    {
        if (Environment.UserName == "root") Assert.Ignore("root writes into read-only folders");
        string locked = Path.Combine(_folder.Path, "locked");
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            string preview = Path.Combine(locked, "preview.png");
            var result = CliRunner.Expect(ExitCodes.InvalidInput, "segment", _phantom.Ct, "-o", _folder.File("mask.nii.gz"), "--preview", preview, "--device", "cpu");
            Assert.That(result.ErrorLines.Single(), Does.Contain(preview).And.Contain("not writable"));
            Assert.That(File.Exists(_folder.File("mask.nii.gz")), Is.False);
        }
        finally
        {
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Test]
    public void FailureWritingTheProbabilities_LeavesNoMask_AndNamesTheUsersFile()
    {
        string mask = _folder.File("mask.nii.gz"), probabilities = _folder.File("prob.nii.gz");
        // The write of the probability map cannot land (as on a full disk): a folder sits where its temporary goes.
        string blocker = TemporaryNames.For(Path.GetFullPath(probabilities));
        Directory.CreateDirectory(blocker);
        File.WriteAllText(Path.Combine(blocker, "x"), "");
        var before = FolderSnapshot.Take(_folder.Path);

        var result = CliRunner.Expect(ExitCodes.InvalidInput, "segment", _phantom.Ct, "-o", mask, "--probabilities", probabilities, "--device", "cpu", "--quiet");

        TestContext.Out.WriteLine(result.Err);
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines[0], Does.Contain(probabilities), result.ToString());
        Assert.That(result.ErrorLines[0], Does.Not.Contain(".nativeseg-tmp-"), "the user's path, not the temporary's");
        FolderSnapshot.AssertUnchanged(before, _folder.Path, "no mask left behind, inputs unchanged");
    }

    [Test]
    public void TemporariesOfKilledRuns_AreRemovedByTheNextRun_OthersKept()
    {
        int dead = DeadProcessId();
        var old = DateTime.UtcNow.AddHours(-2);
        string[] stale =
        [
            _folder.File($".nativeseg-tmp-{dead}-mask.nii.gz"),
            _folder.File($".nativeseg-tmp-{dead}-checkpoint.safetensors.{Guid.NewGuid():N}"),
            _folder.File($"checkpoint.safetensors.tmp-{dead}-{Guid.NewGuid():N}"),
            _folder.File($".prob.nii.gz.{Guid.NewGuid():N}.tmp"),
        ];
        // Process 1 is alive: its temporary may be a file being written right now.
        string alive = _folder.File($".nativeseg-tmp-1-mask.nii.gz");
        foreach (string path in stale.Append(alive))
        {
            File.WriteAllBytes(path, new byte[1000]);
            File.SetLastWriteTimeUtc(path, old);
        }

        CliRunner.Expect(ExitCodes.Success, "phantom", "--size", "32x32x8", "--out-ct", _folder.File("q_ct.nii.gz"), "--out-mask", _folder.File("q_mask.nii.gz"));

        Assert.That(stale.Where(File.Exists), Is.Empty, "stale temporaries removed");
        Assert.That(File.Exists(alive), Is.True, "a live process's temporary is kept");
        Assert.That(Directory.GetFiles(_folder.Path, $".nativeseg-tmp-{Environment.ProcessId}-*"), Is.Empty, "the run left none of its own");
    }

    [Test]
    public void Commit_ThatFailsHalfway_RestoresWhatWasThere()
    {
        string first = _folder.File("a.nii.gz"), second = _folder.File("b.nii.gz");
        File.WriteAllText(first, "old a");
        var before = FolderSnapshot.Take(_folder.Path);
        using (var outputs = new OutputSet())
        {
            File.WriteAllText(outputs.File(first, "--a"), "new a");
            File.WriteAllText(outputs.File(second, "--b"), "new b");
            Directory.CreateDirectory(second);  // the second rename will fail
            Assert.Throws<IOException>(outputs.Commit);
            Directory.Delete(second);
        }
        FolderSnapshot.AssertUnchanged(before, _folder.Path, "the first output's old content is back, no temporaries");
    }

    private static int DeadProcessId()
    {
        for (int pid = 4_000_000; ; pid--)
            if (!Directory.Exists($"/proc/{pid}")) return pid;
    }
}
