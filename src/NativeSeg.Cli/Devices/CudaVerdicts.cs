using System.Text.Json;
using NativeSeg.Engine.Ilgpu;

namespace NativeSeg.Cli.Devices;

/// <summary>
/// The GPUs (device name + driver version) on which <c>nativeseg check --device cuda</c> has passed, kept in
/// <c>$XDG_CACHE_HOME/nativeseg/cuda-verdicts.json</c> (default <c>~/.cache/nativeseg/</c>). <c>--device auto</c>
/// only trusts CUDA on a device listed here. A missing or unreadable file lists nothing.
/// </summary>
public sealed class CudaVerdicts(string path)
{
    public string Path { get; } = path;

    public static CudaVerdicts Default() => new(System.IO.Path.Combine(CacheFolder(), "nativeseg", "cuda-verdicts.json"));

    public bool HasPassed(CudaDeviceIdentity device) => Load().Any(v => v.Device == device.Name && v.Driver == device.DriverVersion);

    /// <summary>Records a passed check (atomically: a half-written file would lose every earlier verdict).</summary>
    public void RecordPassed(CudaDeviceIdentity device, DateTime when)
    {
        var verdicts = Load().Where(v => v.Device != device.Name || v.Driver != device.DriverVersion).ToList();
        verdicts.Add(new Verdict(device.Name, device.DriverVersion, when.ToUniversalTime().ToString("O")));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        string temporary = $"{Path}.nativeseg-tmp-{Environment.ProcessId}";
        File.WriteAllText(temporary, JsonSerializer.Serialize(verdicts, Json));
        File.Move(temporary, Path, overwrite: true);
    }

    private List<Verdict> Load()
    {
        try
        {
            return File.Exists(Path) ? JsonSerializer.Deserialize<List<Verdict>>(File.ReadAllText(Path), Json) ?? [] : [];
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string CacheFolder() =>
        Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");

    private sealed record Verdict(string Device, string Driver, string PassedUtc);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
