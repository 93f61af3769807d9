using System.Reflection;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using NativeSeg.Kernels;

namespace NativeSeg.Engine.Tests.Ilgpu;

/// <summary>
/// Compiles every kernel of NativeSeg.Kernels to PTX for an H100 (SM_90) with no GPU present, so a kernel that only
/// the CUDA backend rejects (an unsupported intrinsic, a managed allocation, shared memory over 48 KB) fails CI.
/// Convention found by reflection: every public static void method of a public class in NativeSeg.Kernels is a
/// kernel; it is implicitly grouped when its first parameter is an Index1D, explicitly grouped otherwise.
/// </summary>
[TestFixture]
public sealed class KernelPtxCompilationTests
{
    private static IEnumerable<MethodInfo> Kernels() =>
        typeof(KernelConstants).Assembly.GetExportedTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(method => method.ReturnType == typeof(void))
            .OrderBy(method => method.DeclaringType!.Name + "." + method.Name, StringComparer.Ordinal);

    [Test]
    public void EveryKernelCompilesToPtxForSm90()
    {
        using var context = Context.Create(builder => builder.EnableAlgorithms());
        using var backend = new PTXBackend(context, new CudaCapabilityContext(CudaArchitecture.SM_90),
            CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, nvvmAPI: null);

        var kernels = Kernels().ToList();
        Assert.That(kernels, Has.Count.GreaterThanOrEqualTo(30), "kernels found by reflection");
        long totalBytes = 0;
        foreach (var method in kernels)
        {
            bool implicitlyGrouped = method.GetParameters()[0].ParameterType == typeof(Index1D);
            var entry = implicitlyGrouped
                ? EntryPointDescription.FromImplicitlyGroupedKernel(method)
                : EntryPointDescription.FromExplicitlyGroupedKernel(method);
            var compiled = (PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty);
            string ptx = compiled.PTXAssembly;
            string name = $"{method.DeclaringType!.Name}.{method.Name}";
            int shared = SharedBytes(ptx);
            Assert.That(ptx, Does.Contain(".entry"), name);
            Assert.That(ptx, Does.Contain(".target sm_"), name);
            Assert.That(shared, Is.LessThanOrEqualTo(KernelConstants.SharedMemoryLimitBytes), $"{name}: static shared memory");
            totalBytes += ptx.Length;
            TestContext.Progress.WriteLine(
                $"PTX sm_90 {name,-58} {(implicitlyGrouped ? "implicit" : "explicit")} {ptx.Length,7} chars, {shared,5} B shared");
        }
        TestContext.Progress.WriteLine($"PTX sm_90: {kernels.Count} kernels, {totalBytes} chars in total");
    }

    /// <summary>Bytes of static shared memory the PTX declares: the sum over ".shared … name[n]" of n times the element size.</summary>
    private static int SharedBytes(string ptx)
    {
        int total = 0;
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(ptx, @"\.shared\s[^;]*?\.[bfsu](8|16|32|64)\s+[^;\[]+\[(\d+)\]"))
            total += int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) * int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) / 8;
        return total;
    }

    [Test]
    public void DeclaredSharedMemoryFitsTheCudaLimit()
    {
        Assert.That(ConvolutionForwardV3Kernels.SharedBytes, Is.LessThanOrEqualTo(KernelConstants.SharedMemoryLimitBytes));
        Assert.That(Convolution1x1V2Kernels.SharedBytes, Is.LessThanOrEqualTo(KernelConstants.SharedMemoryLimitBytes));
        Assert.That(ConvolutionBackwardWeightsV2Kernels.SharedBytes, Is.LessThanOrEqualTo(KernelConstants.SharedMemoryLimitBytes));
        Assert.That(ConvolutionInferenceKernels.SharedBytes, Is.LessThanOrEqualTo(KernelConstants.SharedMemoryLimitBytes));
        Assert.That(ConvolutionKernels.BackwardWeightsSharedBytes, Is.LessThanOrEqualTo(KernelConstants.SharedMemoryLimitBytes));
    }
}
