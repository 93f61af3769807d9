using System.CommandLine;
using NativeSeg.Cli;
using NativeSeg.Cli.Commands;
using NativeSeg.Engine;
using NativeSeg.Engine.Ilgpu;

namespace NativeSeg.Kernels.Dev;

/// <summary>
/// <c>nativeseg-gpu</c>, the program carried to a GPU machine (benchmarks/gpu): the kernel lab's two commands, and
/// every command of the product's <c>nativeseg</c> (check, bench, segment, …) unchanged, so one self-contained
/// bundle holds all.
/// <list type="bullet">
/// <item><c>bench-kernels [--device cuda|ilgpu-cpu] [--seconds S] [--csv PATH] [--dump-ptx DIR] …</c>: check, then
/// time every kernel version (<see cref="GpuKernelCommand"/>).</item>
/// <item><c>bench-network --kernels SPEC [bench options]</c>: <c>nativeseg bench</c> with the convolutions run by the
/// chosen versions (<see cref="KernelVersions.Parse"/>; default <see cref="KernelVersions.Newest"/>).</item>
/// </list>
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "bench-kernels")
            return GpuKernelCommand.Run(args[1..]);
        if (args.Length > 0 && args[0] == "bench-network")
            return BenchNetwork(args[1..]);
        return NativeSeg.Cli.Program.Main(args);
    }

    private static int BenchNetwork(string[] args)
    {
        var versions = KernelVersions.Newest;
        var rest = new List<string>();
        try
        {
            for (int k = 0; k < args.Length; k++)
            {
                if (args[k] != "--kernels") { rest.Add(args[k]); continue; }
                if (k + 1 == args.Length) throw new ArgumentException("--kernels needs a value such as forward=V4,pointwise=V2");
                versions = KernelVersions.Parse(args[++k]);
            }
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"bench-network: {e.Message}");
            return 2;
        }
        var root = new RootCommand("The whole network with chosen kernel versions.")
        {
            BenchCommand.Create(device => Create(device, versions)),
        };
        return root.Parse(["bench", .. rest]).Invoke();
    }

    private static IBackend Create(string device, KernelVersions versions) => device switch
    {
        "cuda" => new ExperimentalIlgpuBackend(IlgpuBackend.CreateCuda(), versions),
        "ilgpu-cpu" => new ExperimentalIlgpuBackend(IlgpuBackend.CreateCpuSimulator(), versions),
        _ => throw new UsageException($"bench-network runs on cuda or ilgpu-cpu, not {device}."),
    };
}
