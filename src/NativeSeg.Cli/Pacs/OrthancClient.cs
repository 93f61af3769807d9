using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace NativeSeg.Cli.Pacs;

/// <summary>
/// The part of Orthanc's REST API the PACS worker uses (Orthanc 1.9.2 and later: metadata revisions), over
/// <see cref="HttpClient"/>. Every request is retried by the <see cref="RetryPolicy"/> while the failure is one that
/// passes (no answer, connection lost, timeout, 502/503/504); other errors throw <see cref="OrthancException"/> at
/// once. Requests that change state are safe to repeat: metadata writes are compare-and-set (a repeat after a lost
/// answer sees its own value, or a conflict the caller resolves by reading), and storing an instance again is
/// answered "AlreadyStored".
/// </summary>
public sealed class OrthancClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly RetryPolicy _retry;
    private readonly Action<string> _log;
    private readonly TimeSpan _requestTimeout;

    /// <param name="baseUri">Orthanc's root, for example http://localhost:8042 (a path prefix behind a proxy is kept).</param>
    /// <param name="log">Where retries are reported (one line each).</param>
    /// <param name="requestTimeout">Longest a single request may take before it counts as a failure that passes.</param>
    public OrthancClient(Uri baseUri, string? user, string? password, RetryPolicy retry, Action<string> log, TimeSpan requestTimeout)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        BaseUri = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
        _retry = retry;
        _log = log;
        _requestTimeout = requestTimeout;
        _http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            // Orthanc closes idle keep-alive connections after a second; a pooled connection it closed is a wasted try.
            PooledConnectionIdleTimeout = TimeSpan.FromMilliseconds(500),
        })
        {
            BaseAddress = BaseUri,
            Timeout = Timeout.InfiniteTimeSpan, // per request, below, so a timeout can be told from a cancellation
        };
        if (user is not null)
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
    }

    public Uri BaseUri { get; }

    /// <summary>GET a JSON answer.</summary>
    public JsonElement GetJson(string path, CancellationToken cancellation) =>
        Send(() => new HttpRequestMessage(HttpMethod.Get, path), cancellation, response => ReadJson(response, path));

    /// <summary>POST a JSON body, read a JSON answer.</summary>
    public JsonElement PostJson(string path, string json, CancellationToken cancellation) =>
        Send(() => new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") },
            cancellation, response => ReadJson(response, path));

    /// <summary>GET a plain-text value (a tag's value from /instances/{id}/content/…), or null when Orthanc answers 404.</summary>
    public string? GetTextOrNull(string path, CancellationToken cancellation) =>
        Send(() => new HttpRequestMessage(HttpMethod.Get, path), cancellation, response =>
            response.StatusCode == HttpStatusCode.NotFound ? null : Text(Check(response, path)));

    /// <summary>
    /// A metadata value of a resource and its ETag (what a later compare-and-set must quote), or null when the
    /// resource has no such metadata. A resource that does not exist (deleted meanwhile) throws with status 404.
    /// </summary>
    public MetadataValue? GetMetadata(string resource, string name, CancellationToken cancellation)
    {
        string path = $"{resource}/metadata/{name}";
        return Send(() => new HttpRequestMessage(HttpMethod.Get, path), cancellation, response =>
        {
            // Orthanc answers an absent metadata with an empty 404, an absent resource or unknown name with an error body.
            if (response.StatusCode == HttpStatusCode.NotFound && Text(response).Length == 0)
                return null;
            Check(response, path);
            string etag = response.Headers.ETag?.Tag ?? throw new OrthancException($"GET {path}: Orthanc sent no ETag (Orthanc 1.9.2 or later is needed)", response.StatusCode);
            return new MetadataValue(Text(response), etag);
        });
    }

    /// <summary>
    /// Writes a metadata value only if it is still what the caller read: with <paramref name="ifMatch"/> (the ETag
    /// read) the current value must be that one; without it the metadata must not exist yet (with Orthanc's
    /// CheckRevisions on, which the worker requires). False when another writer came first (HTTP 409).
    /// </summary>
    public bool CompareAndSetMetadata(string resource, string name, string value, string? ifMatch, CancellationToken cancellation)
    {
        string path = $"{resource}/metadata/{name}";
        return Send(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new StringContent(value, Encoding.UTF8, "text/plain") };
            if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            return request;
        }, cancellation, response => response.StatusCode == HttpStatusCode.Conflict ? false : Check(response, path) is not null);
    }

    /// <summary>Deletes a metadata value only if it is still the one read (its ETag); false when it changed or is gone.</summary>
    public bool CompareAndDeleteMetadata(string resource, string name, string ifMatch, CancellationToken cancellation)
    {
        string path = $"{resource}/metadata/{name}";
        return Send(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Delete, path);
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            return request;
        }, cancellation, response => response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound ? false : Check(response, path) is not null);
    }

    /// <summary>Streams a file (an instance's DICOM file) to <paramref name="destination"/>, replacing it.</summary>
    public void Download(string path, string destination, CancellationToken cancellation) =>
        Send(() => new HttpRequestMessage(HttpMethod.Get, path), cancellation, response =>
        {
            Check(response, path);
            using var source = response.Content.ReadAsStream(cancellation);
            using var target = new FileStream(destination, FileMode.Create, FileAccess.Write, FileShare.None);
            source.CopyTo(target);
            return true;
        }, HttpCompletionOption.ResponseHeadersRead);

    /// <summary>Stores a DICOM instance (POST /instances); Orthanc's answer (ID, Status: Success or AlreadyStored).</summary>
    public JsonElement StoreInstance(byte[] dicom, CancellationToken cancellation) =>
        Send(() => new HttpRequestMessage(HttpMethod.Post, "instances")
        {
            Content = new ByteArrayContent(dicom) { Headers = { ContentType = new MediaTypeHeaderValue("application/dicom") } },
        }, cancellation, response => ReadJson(response, "instances"));

    public void Dispose() => _http.Dispose();

    private T Send<T>(Func<HttpRequestMessage> makeRequest, CancellationToken cancellation, Func<HttpResponseMessage, T> read,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        Stopwatch? sinceFirstFailure = null;
        for (int attempt = 1; ; attempt++)
        {
            cancellation.ThrowIfCancellationRequested();
            string? failure;
            var request = makeRequest();
            string what = $"{request.Method} {new Uri(BaseUri, request.RequestUri!).AbsolutePath}";
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation))
            {
                timeout.CancelAfter(_requestTimeout);
                try
                {
                    using var response = _http.Send(request, completion, timeout.Token);
                    if (response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout)
                        failure = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
                    else
                        return read(response);
                }
                catch (Exception e) when (cancellation.IsCancellationRequested)
                {
                    // A request aborted because the caller stops fails in whatever way the connection was cut
                    // (OperationCanceledException, or ObjectDisposedException from a synchronous read): it is a stop.
                    throw e as OperationCanceledException ?? new OperationCanceledException("stopped", e, cancellation);
                }
                catch (Exception e) when (timeout.IsCancellationRequested && (e is OperationCanceledException or ObjectDisposedException || IsConnectionFailure(e)))
                {
                    failure = $"no answer within {_requestTimeout.TotalSeconds:F0} s";
                }
                catch (Exception e) when (IsConnectionFailure(e))
                {
                    failure = Innermost(e).Message;
                }
                finally
                {
                    request.Dispose();
                }
            }
            sinceFirstFailure ??= Stopwatch.StartNew();
            var delay = _retry.DelayAfter(attempt, sinceFirstFailure.Elapsed);
            if (delay is null)
                throw new OrthancException($"{BaseUri.GetLeftPart(UriPartial.Authority)}: Orthanc unreachable: {what}: {failure} ({attempt} attempts over {sinceFirstFailure.Elapsed.TotalSeconds:F0} s)", null);
            _log($"{what}: {failure}; attempt {attempt + 1} in {delay.Value.TotalSeconds:F1} s");
            cancellation.WaitHandle.WaitOne(delay.Value);
        }
    }

    /// <summary>
    /// A connection that failed or was cut (Orthanc restarting, a proxy dropping it): worth another attempt. HttpClient
    /// wraps most socket errors in HttpRequestException or IOException, but not all: a worker in CI died of a bare
    /// SocketException ("Transport endpoint is not connected") while its Orthanc restarted.
    /// </summary>
    public static bool IsConnectionFailure(Exception e) => e is HttpRequestException or IOException or SocketException;

    private static JsonElement ReadJson(HttpResponseMessage response, string path)
    {
        Check(response, path);
        string text = Text(response);
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new OrthancException($"{path}: Orthanc's answer is not JSON ({e.Message})", response.StatusCode, inner: e);
        }
    }

    /// <summary>Throws the error Orthanc reported (its Message and Details) unless the status is a success.</summary>
    private static HttpResponseMessage Check(HttpResponseMessage response, string path)
    {
        if (response.IsSuccessStatusCode) return response;
        string text = Text(response);
        string detail = "";
        int? orthancStatus = null;
        try
        {
            using var error = JsonDocument.Parse(text);
            var root = error.RootElement;
            if (root.TryGetProperty("Message", out var message)) detail = ": " + message.GetString();
            if (root.TryGetProperty("Details", out var details)) detail += $" ({details.GetString()})";
            if (root.TryGetProperty("OrthancStatus", out var code) && code.TryGetInt32(out int value)) orthancStatus = value;
        }
        catch (JsonException)
        {
            if (text.Length > 0) detail = ": " + (text.Length > 200 ? text[..200] + "…" : text);
        }
        throw new OrthancException($"{response.RequestMessage?.Method} /{path}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}{detail}",
            response.StatusCode, orthancStatus);
    }

    /// <summary>The answer's body as text; buffered, so it can be read more than once (a stream could not).</summary>
    private static string Text(HttpResponseMessage response) => response.Content.ReadAsStringAsync().GetAwaiter().GetResult();

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}

/// <summary>A metadata value as read, and the ETag that names this exact version for a compare-and-set.</summary>
public sealed record MetadataValue(string Value, string ETag);
