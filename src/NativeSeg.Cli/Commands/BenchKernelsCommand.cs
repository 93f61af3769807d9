using System.CommandLine;
using NativeSeg.Benchmarks.Gpu;

namespace NativeSeg.Cli.Commands;

/// <summary>
/// `nativeseg bench-kernels [options]` (hidden): the benchmarks program's `gpu-kernels` mode
/// (benchmarks/NativeSeg.Benchmarks/Gpu, compiled into this tool too), so that one self-contained bundle, small
/// enough to carry to a GPU machine that has no .NET, holds both `check` and the kernel timings. Options are those of
/// <see cref="GpuKernelOptions"/>, passed through unparsed.
/// </summary>
public static class BenchKernelsCommand
{
    public static Command Create()
    {
        var command = new Command("bench-kernels", "Check, then time every GPU kernel version (see benchmarks/gpu/README.md).")
        {
            Hidden = true,
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(result =>
        {
            GpuKernelCommand.TryRun(["gpu-kernels", .. result.UnmatchedTokens], out int exitCode);
            return exitCode;
        });
        return command;
    }
}
