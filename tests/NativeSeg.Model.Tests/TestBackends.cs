using NativeSeg.Engine;
using NativeSeg.Engine.Cpu;
using NativeSeg.Engine.Reference;

namespace NativeSeg.Model.Tests;

/// <summary>The backends the model tests run on by name (the ILGPU simulator has its own, smaller tests).</summary>
internal static class TestBackends
{
    public static readonly string[] Names = ["reference", "cpu"];

    public static IBackend Create(string name) => name switch
    {
        "reference" => new ReferenceBackend(),
        "cpu" => new CpuBackend(),
        "cpu-direct" => new CpuBackend(convolution: CpuConvolutionAlgorithm.Direct),
        _ => throw new ArgumentException($"Unknown test backend '{name}'."),
    };
}
