using NativeSeg.Cli.Outputs;
using NativeSeg.Engine;
using NativeSeg.IO;

namespace NativeSeg.Cli;

/// <summary>
/// Runs a command body and turns every failure into one clear line on stderr and an exit code — never a stack trace
/// (unless NATIVESEG_DEBUG=1 is set, for developers).
/// </summary>
public static class CommandRunner
{
    public static int Run(Func<CancellationToken, int> body, CancellationToken cancellation)
    {
        try
        {
            return body(cancellation);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("nativeseg: interrupted.");
            return ExitCodes.Cancelled;
        }
        catch (InvalidInputException e)
        {
            return Fail(ExitCodes.InvalidInput, e.Message, e);
        }
        catch (UsageException e)
        {
            return Fail(ExitCodes.UsageError, e.Message, e);
        }
        catch (DeviceUnavailableException e)
        {
            return Fail(ExitCodes.DeviceUnavailable, e.Message, e);
        }
        catch (ShapeException e)
        {
            return Fail(ExitCodes.InvalidInput, e.Message, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(ExitCodes.InvalidInput, e.Message, e);
        }
        catch (Exception e)
        {
            return Fail(ExitCodes.InternalError, $"internal error ({e.GetType().Name}): {e.Message}", e);
        }
    }

    private static int Fail(int code, string message, Exception e)
    {
        // One line naming the user's file (not the hidden temporary written for it), with nothing a terminal obeys.
        Console.Error.WriteLine($"nativeseg: {TerminalText.Sanitize(TemporaryNames.ToUserPaths(message))}");
        if (Environment.GetEnvironmentVariable("NATIVESEG_DEBUG") == "1")
            Console.Error.WriteLine(e);
        return code;
    }
}

/// <summary>A command-line value that parses but makes no sense (for example a batch size of 0).</summary>
public sealed class UsageException(string message) : Exception(message);
