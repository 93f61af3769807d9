using System.CommandLine;
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
        Console.CancelKeyPress += (_, e) =>
        {
            if (cancellation.IsCancellationRequested) return;
            e.Cancel = true;
            cancellation.Cancel();
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
                Console.Error.WriteLine($"nativeseg: {error.Message}");
            Console.Error.WriteLine("Run 'nativeseg --help' for usage.");
            return ExitCodes.UsageError;
        }
        CommandContext.Cancellation = cancellation.Token;
        return parsed.Invoke();
    }
}

/// <summary>State shared by the command actions of one process.</summary>
public static class CommandContext
{
    public static CancellationToken Cancellation { get; set; }
}
