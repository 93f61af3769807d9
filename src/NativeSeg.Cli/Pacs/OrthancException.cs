using System.Net;

namespace NativeSeg.Cli.Pacs;

/// <summary>
/// Orthanc answered a request with an error that trying again will not fix (4xx, 500), or could not be reached
/// within the retry policy's time. The message is one line naming the request; <see cref="Status"/> is null when
/// no answer came at all.
/// </summary>
public sealed class OrthancException(string message, HttpStatusCode? status, int? orthancStatus = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>Orthanc's error code for "the resource (patient, study, series, instance) does not exist".</summary>
    public const int UnknownResource = 17;

    public HttpStatusCode? Status { get; } = status;

    /// <summary>Orthanc's own error code ("OrthancStatus" in its error answer), when it sent one.</summary>
    public int? OrthancStatus { get; } = orthancStatus;

    /// <summary>The series, study or instance asked about does not exist (deleted meanwhile).</summary>
    public bool IsUnknownResource => Status == HttpStatusCode.NotFound && OrthancStatus == UnknownResource;

    /// <summary>True when Orthanc never answered (the retries ran out): the server, not the request, is at fault.</summary>
    public bool Unreachable => Status is null;
}
