namespace NativeSeg.Cli;

/// <summary>Process exit codes of <c>nativeseg</c>, documented in README.md.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>An unexpected internal failure (a bug): the message says what happened.</summary>
    public const int InternalError = 1;

    /// <summary>The command line was wrong: unknown option, missing argument, bad value.</summary>
    public const int UsageError = 2;

    /// <summary>An input file or folder cannot be used: missing, corrupt, not a CT, unsupported encoding.</summary>
    public const int InvalidInput = 3;

    /// <summary>A numerics check (<c>nativeseg check</c>) or a quality gate failed.</summary>
    public const int CheckFailed = 4;

    /// <summary>The requested device is not available (for example <c>--device cuda</c> without an NVIDIA GPU).</summary>
    public const int DeviceUnavailable = 5;

    /// <summary>
    /// <c>segment --strict</c>: the result is implausible for a chest CT (no lung found, or too little lung for the
    /// scanned extent; see <see cref="LungPlausibility"/>); nothing was written.
    /// </summary>
    public const int ImplausibleResult = 6;

    /// <summary>
    /// A batch (<c>segment --output-folder</c>) finished, but at least one series or input failed; the others were
    /// written, and the summary CSV says which failed and why.
    /// </summary>
    public const int BatchFailures = 7;

    /// <summary>Interrupted by Ctrl-C; work done so far was saved where the command says so.</summary>
    public const int Cancelled = 130;
}
