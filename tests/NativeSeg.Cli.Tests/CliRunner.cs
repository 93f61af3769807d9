namespace NativeSeg.Cli.Tests;

/// <summary>What one in-process run of <c>nativeseg</c> returned and printed.</summary>
public sealed record CliResult(int ExitCode, string Out, string Err)
{
    /// <summary>Lines of stderr that are error messages (the CLI prefixes each with "nativeseg:").</summary>
    public string[] ErrorLines => Err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(line => line.StartsWith("nativeseg:", StringComparison.Ordinal)).ToArray();

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Err}";
}

/// <summary>Runs <see cref="Program.Main"/> in this process with stdout and stderr captured.</summary>
public static class CliRunner
{
    public static CliResult Run(params string[] args)
    {
        var originalOut = Console.Out;
        var originalError = Console.Error;
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        int exitCode;
        try
        {
            exitCode = Program.Main(args);
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs and fails the test, showing everything printed, unless the exit code is <paramref name="expected"/>.</summary>
    public static CliResult Expect(int expected, params string[] args)
    {
        var result = Run(args);
        Assert.That(result.ExitCode, Is.EqualTo(expected), $"nativeseg {string.Join(' ', args)}\n{result}");
        return result;
    }
}
