using System.Collections.Concurrent;
using System.Text.Json;

namespace NativeSeg.Cli.Pacs;

/// <summary>
/// Finds a lung segmentation already stored for a CT series: a SEG instance in the same study whose Referenced Series
/// Sequence (0008,1115) names the series and one of whose segments is a lung (SNOMED CT 39607008 lung, 3341006 right
/// lung, 44029006 left lung, as Segmented Property Type). Such a SEG is left by a worker that stored it and died before
/// it could mark the series done, or made by another tool; either way the series needs no second one. Tags are read
/// one by one through /instances/{id}/content, so a SEG's frames are never downloaded; answers are cached, as an
/// instance never changes.
/// </summary>
public sealed class LungSegmentationIndex(OrthancClient orthanc)
{
    /// <summary>SNOMED CT codes of lung, right lung and left lung.</summary>
    public static readonly IReadOnlySet<string> LungCodes = new HashSet<string>(StringComparer.Ordinal) { "39607008", "3341006", "44029006" };

    private readonly ConcurrentDictionary<string, SegmentationFacts> _facts = new(StringComparer.Ordinal);

    /// <summary>The Orthanc id of a lung SEG in study <paramref name="studyId"/> that references the series, or null.</summary>
    public string? Find(string studyId, string seriesInstanceUid, CancellationToken cancellation)
    {
        var series = orthanc.GetJson($"studies/{studyId}/series", cancellation);
        if (series.ValueKind != JsonValueKind.Array) return null;
        foreach (var s in series.EnumerateArray())
        {
            if (Tag(s, "Modality") != "SEG" || !s.TryGetProperty("Instances", out var instances) || instances.ValueKind != JsonValueKind.Array) continue;
            foreach (var instance in instances.EnumerateArray())
            {
                string id = instance.ValueKind == JsonValueKind.String ? instance.GetString()! : "";
                if (!SeriesCandidate.IsOrthancId(id)) continue;
                var facts = _facts.GetOrAdd(id, _ => Read(id, cancellation));
                if (facts.IsLung && facts.ReferencedSeries.Contains(seriesInstanceUid)) return id;
            }
        }
        return null;
    }

    private SegmentationFacts Read(string instanceId, CancellationToken cancellation)
    {
        string root = $"instances/{instanceId}/content";
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (string item in Items($"{root}/0008-1115", cancellation))
            if (orthanc.GetTextOrNull($"{root}/0008-1115/{item}/0020-000e", cancellation) is { } uid)
                referenced.Add(Clean(uid));
        bool lung = false;
        foreach (string item in Items($"{root}/0062-0002", cancellation))
            if (orthanc.GetTextOrNull($"{root}/0062-0002/{item}/0062-000f/0/0008-0100", cancellation) is { } code && LungCodes.Contains(Clean(code)))
            {
                lung = true;
                break;
            }
        return new SegmentationFacts(referenced, lung);
    }

    /// <summary>The item indices of a sequence, or none when the instance lacks it.</summary>
    private IEnumerable<string> Items(string path, CancellationToken cancellation)
    {
        var text = orthanc.GetTextOrNull(path, cancellation);
        if (text is null) return [];
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Array
                ? document.RootElement.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String)
                    .Select(e => e.GetString()!).Where(s => s.Length > 0 && s.All(char.IsAsciiDigit)).ToList()
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>A DICOM string value as Orthanc returns it raw: padded to even length with a space or NUL.</summary>
    private static string Clean(string value) => value.Trim().TrimEnd('\0').Trim();

    private static string? Tag(JsonElement resource, string name) =>
        resource.ValueKind == JsonValueKind.Object && resource.TryGetProperty("MainDicomTags", out var tags) && tags.ValueKind == JsonValueKind.Object
        && tags.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private sealed record SegmentationFacts(IReadOnlySet<string> ReferencedSeries, bool IsLung);
}
