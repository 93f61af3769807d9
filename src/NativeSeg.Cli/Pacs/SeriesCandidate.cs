using System.Text.Json;
using System.Text.RegularExpressions;

namespace NativeSeg.Cli.Pacs;

/// <summary>
/// A CT series as Orthanc's /tools/find lists it (expanded): its id, its study's id, its SeriesInstanceUID, its
/// instances' ids, whether Orthanc considers it complete, and when it last changed.
/// </summary>
public sealed partial record SeriesCandidate(string Id, string StudyId, string SeriesInstanceUid, IReadOnlyList<string> Instances, bool IsStable, string LastUpdate)
{
    /// <summary>
    /// The candidate, or null when the entry is not what Orthanc sends: ids that are not Orthanc's (five groups of
    /// eight hex digits) would end up in URLs and in file names of the download folder, so they are refused.
    /// </summary>
    public static SeriesCandidate? From(JsonElement series)
    {
        if (series.ValueKind != JsonValueKind.Object) return null;
        string Get(JsonElement parent, string name) =>
            parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
        string id = Get(series, "ID"), study = Get(series, "ParentStudy");
        string uid = series.TryGetProperty("MainDicomTags", out var tags) ? Get(tags, "SeriesInstanceUID") : "";
        if (!IsOrthancId(id) || !IsOrthancId(study)) return null;
        if (!series.TryGetProperty("Instances", out var list) || list.ValueKind != JsonValueKind.Array) return null;
        var instances = list.EnumerateArray().Select(i => i.ValueKind == JsonValueKind.String ? i.GetString()! : "").ToList();
        if (!instances.All(IsOrthancId)) return null;
        bool stable = series.TryGetProperty("IsStable", out var s) && s.ValueKind == JsonValueKind.True;
        return new SeriesCandidate(id, study, uid, instances, stable, Get(series, "LastUpdate"));
    }

    /// <summary>True for an Orthanc resource id (a SHA-1 of the DICOM UIDs in five dash-separated groups).</summary>
    public static bool IsOrthancId(string id) => OrthancId().IsMatch(id);

    [GeneratedRegex("^[0-9a-f]{8}(-[0-9a-f]{8}){4}$")]
    private static partial Regex OrthancId();
}
