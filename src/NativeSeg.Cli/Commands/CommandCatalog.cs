using System.CommandLine;

namespace NativeSeg.Cli.Commands;

/// <summary>Every `nativeseg` subcommand, in the order `--help` lists them.</summary>
public static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return CheckCommand.Create();
    }
}
