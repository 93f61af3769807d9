using System.Reflection;
using System.Runtime.InteropServices;
using ILGPU;

namespace NativeSeg.Engine.Ilgpu;

/// <summary>
/// ILGPU imports the CUDA driver API as "cuda", which .NET on Linux probes as libcuda.so. Many driver installs
/// (containers especially) ship only the versioned libcuda.so.1, so without help ILGPU finds no GPU. This maps the
/// import to libcuda.so.1 when the unversioned name does not load. It must be installed before the first
/// ILGPU context that enumerates CUDA devices.
/// </summary>
internal static class CudaDriverResolver
{
    private static int _installed;

    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1 || !OperatingSystem.IsLinux()) return;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Context).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // ILGPU already set its own resolver (it does so under WSL); that one knows where the driver lives.
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName is not ("cuda" or "libcuda" or "libcuda.so")) return IntPtr.Zero;
        if (NativeLibrary.TryLoad("libcuda.so", assembly, searchPath, out var handle)) return handle;
        return NativeLibrary.TryLoad("libcuda.so.1", out handle) ? handle : IntPtr.Zero;
    }
}
