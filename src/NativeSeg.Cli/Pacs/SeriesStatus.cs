using System.Text.Json;
using System.Text.Json.Serialization;

namespace NativeSeg.Cli.Pacs;

/// <summary>
/// What the workers know about one CT series, stored as JSON in its Orthanc metadata <see cref="MetadataName"/>:
/// claimed (by <see cref="Worker"/> until <see cref="ExpiresUtc"/>, renewed while it works), done (with the SEG
/// instance) or failed (with the reason). Absent: nobody has taken the series yet. Times are Orthanc's clock (UTC),
/// so workers on machines whose clocks disagree still agree on when a lease ran out.
/// </summary>
public sealed record SeriesStatus
{
    /// <summary>The Orthanc metadata that holds the status (declared in Orthanc's "UserMetadata").</summary>
    public const string MetadataName = "NativeSegStatus";

    public const string Claimed = "claimed";
    public const string Done = "done";
    public const string Failed = "failed";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Read by people in Orthanc Explorer and curl, never embedded in HTML: "1.0.0+abc", not "1.0.0\u002Babc".
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [JsonPropertyName("state")] public required string State { get; init; }

    /// <summary>The worker that wrote this status (host name and process id unless --worker-id says otherwise).</summary>
    [JsonPropertyName("worker")] public required string Worker { get; init; }

    /// <summary>A fresh id per claim: tells this worker's claim from an earlier one of the same worker id.</summary>
    [JsonPropertyName("claim")] public string? Claim { get; init; }

    /// <summary>When the status was written (Orthanc's clock, UTC).</summary>
    [JsonPropertyName("time")] public DateTime TimeUtc { get; init; }

    /// <summary>A claim's end unless renewed (Orthanc's clock, UTC).</summary>
    [JsonPropertyName("expires")] public DateTime? ExpiresUtc { get; init; }

    /// <summary>Why the series failed (one line).</summary>
    [JsonPropertyName("reason")] public string? Reason { get; init; }

    /// <summary>The Orthanc id of the SEG instance stored for the series.</summary>
    [JsonPropertyName("segmentation")] public string? Segmentation { get; init; }

    /// <summary>The SOP Instance UID of that SEG.</summary>
    [JsonPropertyName("segmentationSopInstanceUid")] public string? SegmentationSopInstanceUid { get; init; }

    /// <summary>The nativeseg version that wrote the status.</summary>
    [JsonPropertyName("version")] public string? Version { get; init; }

    /// <summary>True for done and failed: no worker takes the series again.</summary>
    [JsonIgnore] public bool IsFinal => State is Done or Failed;

    /// <summary>True for a claim whose lease ran out at <paramref name="nowUtc"/> (its worker died or lost Orthanc).</summary>
    public bool IsExpiredClaim(DateTime nowUtc) => State == Claimed && (ExpiresUtc is null || ExpiresUtc.Value <= nowUtc);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The status in a metadata value, or null when the value is not a status this version understands.</summary>
    public static SeriesStatus? Parse(string json)
    {
        try
        {
            var status = JsonSerializer.Deserialize<SeriesStatus>(json, Json);
            return status is { State: Claimed or Done or Failed } ? status : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
