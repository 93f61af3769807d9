using ILGPU;
using ILGPU.Runtime.Cuda;

namespace NativeSeg.Engine.Ilgpu;

/// <summary>
/// Which CUDA device (the one <c>cuda</c> uses: the first) and driver this machine has, as a key under which a
/// numerics verdict (<c>nativeseg check --device cuda</c>) can be remembered: a new GPU or driver needs a new check.
/// </summary>
public sealed record CudaDeviceIdentity(string Name, string DriverVersion)
{
    /// <summary>The first CUDA device, or null when there is no usable NVIDIA GPU.</summary>
    public static CudaDeviceIdentity? Detect()
    {
        CudaDriverResolver.Install();
        try
        {
            using var context = Context.Create(builder => builder.Cuda());
            var devices = context.GetCudaDevices();
            if (devices.Count == 0) return null;
            var device = devices[0];
            return new CudaDeviceIdentity(device.Name, $"{device.DriverVersion.Major}.{device.DriverVersion.Minor}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // As in IlgpuBackend.IsCudaAvailable: no driver, an old one or a broken install all mean "no GPU".
            return null;
        }
    }

    public override string ToString() => $"{Name} (driver {DriverVersion})";
}
