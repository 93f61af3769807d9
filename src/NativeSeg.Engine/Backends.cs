using NativeSeg.Engine.Cpu;
using NativeSeg.Engine.Ilgpu;
using NativeSeg.Engine.Reference;

namespace NativeSeg.Engine;

/// <summary>Creates a backend by name: reference, cpu, cuda, ilgpu-cpu, or auto (cuda when an NVIDIA GPU is present, else cpu).</summary>
public static class Backends
{
    public static IReadOnlyList<string> Names { get; } = ["auto", "cpu", "cuda", "reference", "ilgpu-cpu"];

    public static IBackend Create(string name)
    {
        switch (name.Trim().ToLowerInvariant())
        {
            case "auto":
                return IlgpuBackend.IsCudaAvailable() ? IlgpuBackend.CreateCuda() : new CpuBackend();
            case "cpu":
                return new CpuBackend();
            case "reference":
                return new ReferenceBackend();
            case "ilgpu-cpu":
                return IlgpuBackend.CreateCpuSimulator();
            case "cuda":
                if (!IlgpuBackend.IsCudaAvailable())
                    throw new DeviceUnavailableException("device 'cuda' was requested but no NVIDIA GPU with a CUDA driver was found; use --device cpu.");
                return IlgpuBackend.CreateCuda();
            default:
                throw new DeviceUnavailableException($"unknown device '{name}'; choose one of {string.Join(", ", Names)}.");
        }
    }
}
