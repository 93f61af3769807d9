using NativeSeg.IO.Datasets;

namespace NativeSeg.Cli;

/// <summary>The files a dataset manifest points to (CTs, masks, lesions, predictions), as inputs to protect.</summary>
public static class ManifestFiles
{
    /// <summary>Nothing for a manifest that cannot be read: the command's own loading reports that.</summary>
    public static IEnumerable<string> Of(string manifestPath)
    {
        DatasetManifest manifest;
        try
        {
            manifest = DatasetManifest.Load(manifestPath);
        }
        catch (Exception e) when (e is IO.InvalidInputException or IOException or UnauthorizedAccessException)
        {
            return [];
        }
        return Of(manifest);
    }

    public static IEnumerable<string> Of(DatasetManifest manifest) =>
        manifest.Cases.SelectMany(c => new[] { c.Ct, c.Mask, c.Lesions, c.Prediction, c.Probabilities })
            .Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => manifest.Resolve(p!)).ToList();
}
