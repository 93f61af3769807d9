namespace NativeSeg.Cli;

/// <summary>Finds the shipped weights when <c>--weights</c> is not given.</summary>
public static class WeightsLocator
{
    public const string DefaultFileName = "highresnet2d-lung.safetensors";

    /// <summary>
    /// NATIVESEG_WEIGHTS if set; else weights/ beside the executable (the build copies the shipped file there);
    /// else weights/ in the current folder or any folder above it (a source checkout).
    /// </summary>
    public static string Resolve(string? explicitPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath)) return explicitPath;
        var fromEnvironment = Environment.GetEnvironmentVariable("NATIVESEG_WEIGHTS");
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return fromEnvironment;
        var besideBinary = Path.Combine(AppContext.BaseDirectory, "weights", DefaultFileName);
        if (File.Exists(besideBinary)) return besideBinary;
        for (var folder = new DirectoryInfo(Directory.GetCurrentDirectory()); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "weights", DefaultFileName);
            if (File.Exists(candidate)) return candidate;
        }
        throw new UsageException($"no weights given and the shipped weights ({DefaultFileName}) were not found beside the program or in a weights/ folder; pass --weights FILE.");
    }
}
