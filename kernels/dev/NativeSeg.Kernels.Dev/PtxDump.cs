using System.Reflection;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using NativeSeg.Kernels;

namespace NativeSeg.Kernels.Dev;

/// <summary>
/// Writes the PTX that ILGPU makes for every kernel (one file per kernel, SM_90, no GPU needed), so that on the GPU
/// machine <c>ptxas -arch=sm_90 -v</c> reports registers, spills and shared memory per kernel (METHOD.md: read
/// what costs no device time). Kernels are found as the PTX compile tests find them (<see cref="Kernels"/>): the
/// product's (NativeSeg.Kernels) and the experiments' (NativeSeg.Kernels.Dev.Versions).
/// </summary>
public static class PtxDump
{
    public static int Write(string directory)
    {
        Directory.CreateDirectory(directory);
        using var context = Context.Create(builder => builder.EnableAlgorithms());
        using var backend = new PTXBackend(context, new CudaCapabilityContext(CudaArchitecture.SM_90),
            CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, nvvmAPI: null);
        int count = 0;
        foreach (var method in Kernels())
        {
            var entry = method.GetParameters()[0].ParameterType == typeof(Index1D)
                ? EntryPointDescription.FromImplicitlyGroupedKernel(method)
                : EntryPointDescription.FromExplicitlyGroupedKernel(method);
            var compiled = (PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty);
            File.WriteAllText(Path.Combine(directory, $"{method.DeclaringType!.Name}.{method.Name}.ptx"), compiled.PTXAssembly);
            count++;
        }
        Console.WriteLine($"bench-kernels: wrote the PTX of {count} kernels to {directory}");
        return 0;
    }

    /// <summary>
    /// Every kernel: public static void methods of public types in the product's kernel namespace and in the
    /// experiments' (<see cref="Versions"/>), ordered by name. A kernel is implicitly grouped when its first parameter is an Index1D.
    /// </summary>
    public static IEnumerable<MethodInfo> Kernels() =>
        new[] { typeof(KernelConstants).Assembly, typeof(PtxDump).Assembly }
            .SelectMany(assembly => assembly.GetExportedTypes())
            .Where(type => type.Namespace is "NativeSeg.Kernels" or "NativeSeg.Kernels.Dev.Versions")
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(method => method.ReturnType == typeof(void))
            .OrderBy(method => method.DeclaringType!.FullName + "." + method.Name, StringComparer.Ordinal);
}
