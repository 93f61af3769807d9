using BenchmarkDotNet.Running;
using NativeSeg.Benchmarks.Cpu;
using NativeSeg.Benchmarks.Onnx;

namespace NativeSeg.Benchmarks;

/// <summary>
/// Runs the benchmark suites chosen by the command line (for example --filter '*CpuConvolution*'), or one of the
/// console modes <c>onnx-parity</c> and <c>onnx-compare</c> (see <see cref="OnnxCommands"/>) and
/// <c>fusion-compare</c> (see <see cref="FusionComparison"/>), <c>winograd-compare</c> (see
/// <see cref="WinogradComparison"/>), <c>winograd-numerics</c> (see <see cref="WinogradNumerics"/>), <c>fuzz</c> (see <see cref="Io.FuzzCommand"/>) and
/// <c>training-profile</c> (see <see cref="Model.TrainingProfile"/>).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (OnnxCommands.TryRun(args, out int exitCode))
            return exitCode;
        if (FusionComparison.TryRun(args, out exitCode))
            return exitCode;
        if (WinogradComparison.TryRun(args, out exitCode))
            return exitCode;
        if (WinogradNumerics.TryRun(args, out exitCode))
            return exitCode;
        if (Io.FuzzCommand.TryRun(args, out exitCode))
            return exitCode;
        if (Model.TrainingProfile.TryRun(args, out exitCode))
            return exitCode;
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
