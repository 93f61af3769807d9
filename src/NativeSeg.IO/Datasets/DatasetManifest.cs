using System.Text.Json;
using System.Text.Json.Serialization;

namespace NativeSeg.IO.Datasets;

/// <summary>
/// The dataset manifest shared by train, segment, simulate and evaluate: a JSON file listing cases.
/// Paths inside it are relative to the manifest's folder unless absolute.
/// <code>
/// { "name": "lctsc-covid", "description": "...",
///   "cases": [ { "id": "Case_009_moderate_s1", "patient": "Case_009", "group": "covid", "split": "train",
///                "ct": "Case_009_moderate_s1_ct.nii.gz", "mask": "../shared/.../Case_009_lungmask.nii.gz",
///                "lesions": "Case_009_moderate_s1_lesions.nii.gz" } ] }
/// </code>
/// </summary>
public sealed class DatasetManifest
{
    public const string GroupNormal = "normal";
    public const string GroupCovid = "covid";

    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public List<DatasetCase> Cases { get; set; } = [];

    /// <summary>Folder that relative paths are resolved against (the manifest's folder when loaded from a file).</summary>
    [JsonIgnore]
    public string BaseDirectory { get; set; } = Directory.GetCurrentDirectory();

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Absolute path of a path written in the manifest.</summary>
    public string Resolve(string path) => Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(BaseDirectory, path));

    public static DatasetManifest Load(string path)
    {
        if (!File.Exists(path))
            throw new InvalidInputException(path, "manifest file not found.");
        DatasetManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<DatasetManifest>(File.ReadAllText(path), Options);
        }
        catch (JsonException e)
        {
            throw new InvalidInputException(path, $"not a valid manifest: {e.Message}", e);
        }
        if (manifest is null)
            throw new InvalidInputException(path, "the manifest is empty.");
        manifest.BaseDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < manifest.Cases.Count; i++)
        {
            var c = manifest.Cases[i];
            if (string.IsNullOrWhiteSpace(c.Id))
                throw new InvalidInputException(path, $"case {i} has no id.");
            if (!ids.Add(c.Id))
                throw new InvalidInputException(path, $"case id '{c.Id}' appears twice.");
            if (string.IsNullOrWhiteSpace(c.Ct))
                throw new InvalidInputException(path, $"case '{c.Id}' has no ct path.");
            if (string.IsNullOrWhiteSpace(c.Patient))
                c.Patient = c.Id;
        }
        return manifest;
    }

    /// <summary>Writes the manifest atomically (temporary file, then rename).</summary>
    public void Save(string path)
    {
        string full = Path.GetFullPath(path);
        string temporary = full + ".tmp-" + Environment.ProcessId;
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Options));
        File.Move(temporary, full, overwrite: true);
        BaseDirectory = Path.GetDirectoryName(full)!;
    }
}

/// <summary>One case of a manifest: a CT, its lung mask, and optional outputs written by later steps.</summary>
public sealed class DatasetCase
{
    public string Id { get; set; } = "";

    /// <summary>Patient identifier: splits are made by patient, never by slice or case.</summary>
    public string Patient { get; set; } = "";

    /// <summary><see cref="DatasetManifest.GroupNormal"/> or <see cref="DatasetManifest.GroupCovid"/>.</summary>
    public string Group { get; set; } = DatasetManifest.GroupNormal;

    /// <summary>train, validation or test (free text; empty when the tool decides).</summary>
    public string? Split { get; set; }

    /// <summary>CT: a NIfTI file, a DICOM file or a DICOM folder.</summary>
    public string Ct { get; set; } = "";

    /// <summary>Reference lung mask (NIfTI), when known.</summary>
    public string? Mask { get; set; }

    /// <summary>Simulated lesion mask, for simulated COVID-19 cases.</summary>
    public string? Lesions { get; set; }

    /// <summary>Where the case comes from: "real" (a CT as acquired), "simulated" (lesions inserted into a real CT),
    /// "phantom" (fully synthetic). Null when unknown. Added by the simulation helper.</summary>
    public string? Source { get; set; }

    /// <summary>Simulated disease: "mild", "moderate", "severe", or a fraction such as "0.25". Null for normal cases.</summary>
    public string? Severity { get; set; }

    /// <summary>Predicted lung mask, written by segment.</summary>
    public string? Prediction { get; set; }

    /// <summary>Predicted lung probability map, written by segment.</summary>
    public string? Probabilities { get; set; }
}
