using System.CommandLine;
using NativeSeg.Model.Network;

namespace NativeSeg.Cli.Commands;

/// <summary>`nativeseg model`: the HighResNet2D layer table and parameter count.</summary>
public static class ModelCommand
{
    public static Command Create()
    {
        var inputChannels = new Option<int>("--input-channels") { Description = "Input channels.", DefaultValueFactory = _ => 1 };
        var classes = new Option<int>("--classes") { Description = "Output classes, background included.", DefaultValueFactory = _ => 2 };
        var command = new Command("model", "Print the HighResNet2D layer table and parameter count.") { inputChannels, classes };
        command.SetAction(result => CommandRunner.Run(_ =>
        {
            var configuration = new HighResNetConfiguration(result.GetValue(inputChannels), result.GetValue(classes));
            configuration.Validate();
            Console.Write(new NetworkSummary(configuration).ToString());
            return ExitCodes.Success;
        }, CommandContext.Cancellation));
        return command;
    }
}
