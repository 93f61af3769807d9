using System.CommandLine;
using System.Runtime.InteropServices;
using NativeSeg.Cli.Commands;

namespace NativeSeg.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("NativeSeg: lung segmentation for chest CT (2D HighResNet, Dice-NS), on CPU or NVIDIA GPU.");
        foreach (var command in CommandCatalog.All())
            root.Subcommands.Add(command);

        using var cancellation = new CancellationTokenSource();
        // First Ctrl-C asks the running command to stop cleanly (checkpoints, no partial outputs); a second one kills.
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (cancellation.IsCancellationRequested) return;
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        // SIGTERM (kill, systemd, container stop) is treated like Ctrl-C: the command stops cleanly.
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            cancellation.Cancel();
        });
        try
        {
            return Run(root, args, cancellation.Token);
        }
        finally
        {
            // In-process callers (tests, hosts) call Main repeatedly: leave no handler pointing at a disposed source.
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static int Run(RootCommand root, string[] args, CancellationToken cancellation)
    {
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
                Console.Error.WriteLine($"nativeseg: {TerminalText.Sanitize(error.Message)}");
            Console.Error.WriteLine("Run 'nativeseg --help' for usage.");
            return ExitCodes.UsageError;
        }
        CommandContext.Cancellation = cancellation;
        return parsed.Invoke();
    }
}

/// <summary>State shared by the command actions of one process.</summary>
public static class CommandContext
{
    public static CancellationToken Cancellation { get; set; }
}
