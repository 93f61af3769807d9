using NativeSeg.Engine.Ilgpu;

namespace NativeSeg.Cli.Devices;

/// <summary>
/// What <c>--device auto</c> means: CUDA only on a GPU whose numerics <c>nativeseg check --device cuda</c> has
/// verified (the CUDA path is otherwise untested there), else <c>cpu</c>. Any other name is taken as given, so an
/// explicit <c>--device cuda</c> still runs on an unverified GPU.
/// </summary>
public static class AutoDevice
{
    public sealed record Decision(string Device, string? Note);

    public static Decision Choose(string requested, CudaDeviceIdentity? gpu, CudaVerdicts verdicts)
    {
        ArgumentNullException.ThrowIfNull(verdicts);
        if (!string.Equals(requested.Trim(), "auto", StringComparison.OrdinalIgnoreCase))
            return new Decision(requested, null);
        if (gpu is null)
            return new Decision("cpu", null);
        if (verdicts.HasPassed(gpu))
            return new Decision("cuda", null);
        return new Decision("cpu",
            $"--device auto: using cpu, not the GPU {gpu}: its CUDA numerics are unverified; run 'nativeseg check --device cuda' once to enable it, or pass --device cuda.");
    }

    /// <summary>Resolves <paramref name="requested"/> on this machine and prints why auto chose cpu (unless quiet).</summary>
    public static string Resolve(string requested, bool quiet)
    {
        if (!string.Equals(requested.Trim(), "auto", StringComparison.OrdinalIgnoreCase)) return requested;
        var decision = Choose(requested, CudaDeviceIdentity.Detect(), CudaVerdicts.Default());
        if (decision.Note is not null && !quiet) Console.Error.WriteLine($"note: {decision.Note}");
        return decision.Device;
    }
}
