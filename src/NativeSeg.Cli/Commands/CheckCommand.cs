using System.CommandLine;
using NativeSeg.Engine;
using NativeSeg.Engine.Reference;
using NativeSeg.Engine.Validation;

namespace NativeSeg.Cli.Commands;

/// <summary>
/// `nativeseg check [--device NAME]`: validates the numerics on this machine. Prints, per operation and backend, the
/// worst relative error against the float64 reference, and the reference's own finite-difference check.
/// Exits with <see cref="ExitCodes.CheckFailed"/> if anything is outside its tolerance.
/// </summary>
public static class CheckCommand
{
    public static Command Create()
    {
        var device = new Option<string[]>("--device", "-d")
        {
            Description = "Backends to check: cpu, cuda, ilgpu-cpu (repeatable). Default: cpu, plus cuda when an NVIDIA GPU is present.",
            AllowMultipleArgumentsPerToken = true,
        };
        var seed = new Option<int?>("--seed") { Description = "Seed for the random inputs (default: a fresh one, printed)." };
        var command = new Command("check", "Check every operation's forward and backward on each backend against the float64 reference.")
        {
            device, seed,
        };
        command.SetAction(result => CommandRunner.Run(_ => Execute(result.GetValue(device), result.GetValue(seed)), CommandContext.Cancellation));
        return command;
    }

    private static int Execute(string[]? devices, int? seedOption)
    {
        int seed = seedOption ?? Environment.TickCount & 0x7fffffff;
        var names = devices is { Length: > 0 } ? devices : DefaultDevices();
        // Open every backend first so an unknown or absent device fails before any work is done.
        var backends = new List<IBackend>();
        try
        {
            foreach (var name in names) backends.Add(Backends.Create(name));
            Console.WriteLine($"nativeseg check: seed {seed} (replay with --seed {seed})");
            var results = new List<CheckResult>(new FiniteDifferenceCheck(seed).RunAll());
            using var reference = new ReferenceBackend();
            foreach (var backend in backends)
            {
                Console.WriteLine($"  {backend.Name}: {backend.Description}");
                results.AddRange(new NumericsCheck(backend, reference, seed).RunAll());
            }
            int exitCode = Print(results);
            if (exitCode == ExitCodes.Success && backends.Any(b => b.Name == "cuda"))
                RememberCudaPassed();
            return exitCode;
        }
        finally
        {
            foreach (var backend in backends) backend.Dispose();
        }
    }

    private static int Print(List<CheckResult> results)
    {
        Console.WriteLine();
        Console.WriteLine($"{"operation",-48} {"backend",-32} {"worst rel. error",16} {"tolerance",10}  result");
        foreach (var r in results)
            Console.WriteLine($"{r.Operation,-48} {r.Backend,-32} {r.WorstRelativeError,16:E2} {r.Tolerance,10:E0}  {(r.Passed ? "ok" : "FAIL " + r.Detail)}");
        int failed = results.Count(r => !r.Passed);
        Console.WriteLine();
        Console.WriteLine($"{results.Count - failed} passed, {failed} failed");
        return failed == 0 ? ExitCodes.Success : ExitCodes.CheckFailed;
    }

    /// <summary>Lets <c>--device auto</c> use this GPU from now on (until its name or driver changes).</summary>
    private static void RememberCudaPassed()
    {
        if (Engine.Ilgpu.CudaDeviceIdentity.Detect() is not { } gpu) return;
        var verdicts = Devices.CudaVerdicts.Default();
        try
        {
            verdicts.RecordPassed(gpu, DateTime.UtcNow);
            Console.WriteLine($"recorded: {gpu} passed; --device auto will use it (verdict in {verdicts.Path})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"warning: could not record the verdict in {verdicts.Path}: {e.Message}");
        }
    }

    private static string[] DefaultDevices() =>
        Engine.Ilgpu.IlgpuBackend.IsCudaAvailable() ? ["cpu", "cuda"] : ["cpu"];
}
