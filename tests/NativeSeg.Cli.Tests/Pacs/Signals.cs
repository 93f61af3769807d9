using System.Runtime.InteropServices;

namespace NativeSeg.Cli.Tests.Pacs;

/// <summary>POSIX signals to a child process (.NET's Process.Kill sends only SIGKILL).</summary>
internal static partial class Signals
{
    private const int SigTerm = 15;

    /// <summary>Asks a process to stop, as Ctrl-C, kill or a service manager does (SIGTERM).</summary>
    public static void Terminate(int pid)
    {
        if (kill(pid, SigTerm) != 0)
            throw new InvalidOperationException($"kill({pid}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
