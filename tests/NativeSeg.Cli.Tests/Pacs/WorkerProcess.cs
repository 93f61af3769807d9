using System.Diagnostics;
using System.Text;

namespace NativeSeg.Cli.Tests.Pacs;

/// <summary>
/// A `nativeseg pacs` worker in a process of its own (the built program beside the tests), as on a machine of its
/// own: several can run at once, and one can be killed or stopped mid-run. Everything it prints is kept.
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _out = new();

    private WorkerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts `nativeseg pacs --url URL --device cpu --worker-id ID` with the further arguments.</summary>
    public static WorkerProcess Start(Uri url, string workerId, string workFolder, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "nativeseg"),
            ["pacs", "--url", url.ToString(), "--device", "cpu", "--worker-id", workerId, "--work-dir", workFolder, .. arguments])
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        return new WorkerProcess(Process.Start(start)!);
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything printed so far (stdout and stderr, interleaved as they came).</summary>
    public string Output
    {
        get { lock (_out) return _out.ToString(); }
    }

    /// <summary>Waits for the worker to exit and returns its exit code; fails the test (and kills it) after <paramref name="limit"/>.</summary>
    public int WaitForExit(TimeSpan limit)
    {
        if (!_process.WaitForExit(limit))
        {
            _process.Kill();
            _process.WaitForExit();
            Assert.Fail($"the worker did not finish within {limit.TotalSeconds:F0} s:\n{Output}");
        }
        _process.WaitForExit(); // drains the output readers
        return _process.ExitCode;
    }

    /// <summary>Waits until the worker has printed <paramref name="text"/>; fails the test after <paramref name="limit"/>.</summary>
    public void WaitForOutput(string text, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (clock.Elapsed > limit) Assert.Fail($"the worker did not print \"{text}\" within {limit.TotalSeconds:F0} s:\n{Output}");
            if (_process.HasExited) Assert.Fail($"the worker exited (code {_process.ExitCode}) before printing \"{text}\":\n{Output}");
            Thread.Sleep(50);
        }
    }

    /// <summary>SIGKILL: the worker dies at once, running no handler (a crash, a power cut, the OOM killer).</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>SIGTERM: the worker is asked to stop (Ctrl-C, kill, a service manager).</summary>
    public void Terminate() => Signals.Terminate(_process.Id);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_out) _out.AppendLine(line);
    }
}
