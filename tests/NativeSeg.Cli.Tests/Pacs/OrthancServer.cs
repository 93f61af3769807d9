using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace NativeSeg.Cli.Tests.Pacs;

/// <summary>
/// A real Orthanc (Debian package <c>orthanc</c>, /usr/sbin/Orthanc) on localhost for one test: a throwaway JSON
/// configuration and storage folder, free HTTP and DICOM ports, no remote access, and the DICOMweb plugin from
/// <c>orthanc-dicomweb</c>. It can be stopped (SIGTERM, as a service manager does) and started again on the same
/// port and storage; it is killed on dispose. A missing Orthanc fails the test: CI installs it (.ci/run).
/// </summary>
public sealed class OrthancServer : IDisposable
{
    public const string Binary = "/usr/sbin/Orthanc";
    public const string DicomWebPlugin = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";

    private readonly string _configuration;
    private readonly StringBuilder _log = new();
    private Process? _process;

    private OrthancServer(string folder, bool checkRevisions, bool declareMetadata, (string User, string Password)? account)
    {
        Folder = folder;
        Port = FreePort();
        Url = new Uri($"http://127.0.0.1:{Port}/");
        var configuration = new Dictionary<string, object>
        {
            ["Name"] = "nativeseg-test",
            ["StorageDirectory"] = Path.Combine(folder, "storage"),
            ["IndexDirectory"] = Path.Combine(folder, "storage"),
            ["HttpPort"] = Port,
            ["DicomPort"] = FreePort(),
            ["RemoteAccessAllowed"] = false,
            ["AuthenticationEnabled"] = account is not null,
            ["CheckRevisions"] = checkRevisions,
            ["StableAge"] = 1, // seconds without a new instance before a series counts as complete (default 60)
            ["MaximumStorageCacheSize"] = 0, // MB: files are read from the storage folder each time (a test removes one)
            ["Plugins"] = File.Exists(DicomWebPlugin) ? new[] { DicomWebPlugin } : Array.Empty<string>(),
        };
        if (account is { } registered)
            configuration["RegisteredUsers"] = new Dictionary<string, string> { [registered.User] = registered.Password };
        if (declareMetadata)
            configuration["UserMetadata"] = new Dictionary<string, int> { ["NativeSegStatus"] = 4400, ["NativeSegStatistics"] = 4401 };
        _configuration = Path.Combine(folder, "orthanc.json");
        File.WriteAllText(_configuration, JsonSerializer.Serialize(configuration, new JsonSerializerOptions { WriteIndented = true }));
        Http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(60) };
        if (account is { } credentials)
            Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.User}:{credentials.Password}")));
    }

    /// <summary>
    /// Starts a fresh Orthanc in <paramref name="folder"/> (created if needed) and waits until it answers. With
    /// <paramref name="account"/>, Orthanc asks for HTTP Basic credentials and knows that one user.
    /// </summary>
    public static OrthancServer Start(string folder, bool checkRevisions = true, bool declareMetadata = true, (string User, string Password)? account = null)
    {
        if (!File.Exists(Binary))
            Assert.Fail($"{Binary} is missing: install the Debian packages orthanc and orthanc-dicomweb (.ci/run does).");
        Directory.CreateDirectory(folder);
        var server = new OrthancServer(folder, checkRevisions, declareMetadata, account);
        server.StartProcess();
        return server;
    }

    public Uri Url { get; }

    public int Port { get; }

    public string Folder { get; }

    /// <summary>A client for the test's own requests (independent of the worker's client).</summary>
    public HttpClient Http { get; }

    /// <summary>Everything Orthanc printed, for failure messages.</summary>
    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>Stops Orthanc as a service manager does (SIGTERM) and waits until it has exited and freed its ports.</summary>
    public void Stop()
    {
        if (_process is null) return;
        Signals.Terminate(_process.Id);
        if (!_process.WaitForExit(30_000))
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process.Dispose();
        _process = null;
    }

    /// <summary>Starts Orthanc again on the same port, configuration and storage.</summary>
    public void Restart()
    {
        Stop();
        StartProcess();
    }

    /// <summary>Stores a DICOM file; its Orthanc instance id.</summary>
    public string Upload(string file)
    {
        using var content = new ByteArrayContent(File.ReadAllBytes(file));
        using var response = Http.PostAsync("instances", content).GetAwaiter().GetResult();
        string body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        Assert.That(response.IsSuccessStatusCode, $"upload {file}: {(int)response.StatusCode} {body}");
        using var answer = JsonDocument.Parse(body);
        return answer.RootElement.GetProperty("ID").GetString()!;
    }

    /// <summary>Stores every file of a folder; the Orthanc id of the series they belong to (one series expected).</summary>
    public string UploadSeries(string folder)
    {
        var series = new HashSet<string>();
        foreach (string file in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
            series.Add(GetJson($"instances/{Upload(file)}").GetProperty("ParentSeries").GetString()!);
        Assert.That(series, Has.Count.EqualTo(1), $"{folder} holds one series");
        return series.Single();
    }

    public JsonElement GetJson(string path)
    {
        using var response = Http.GetAsync(path).GetAwaiter().GetResult();
        string body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        Assert.That(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <summary>The file in the storage folder that holds an instance (Orthanc names it after its attachment's uuid).</summary>
    public string StoredFile(string instanceId)
    {
        using var response = Http.GetAsync($"instances/{instanceId}/file", HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult();
        // Orthanc sends `filename="UUID.dcm"` without a disposition type, which .NET's parser does not accept: read it raw.
        string header = string.Join(";", response.Content.Headers.GetValues("Content-Disposition"));
        string uuid = System.Text.RegularExpressions.Regex.Match(header, "filename=\"?([0-9a-f-]{36})\\.dcm").Groups[1].Value;
        Assert.That(uuid, Has.Length.EqualTo(36), $"Content-Disposition: {header}");
        return Path.Combine(Folder, "storage", uuid[..2], uuid[2..4], uuid);
    }

    public byte[] GetBytes(string path) => Http.GetByteArrayAsync(path).GetAwaiter().GetResult();

    /// <summary>A metadata value of a series, or null when it has none.</summary>
    public string? SeriesMetadata(string seriesId, string name)
    {
        using var response = Http.GetAsync($"series/{seriesId}/metadata/{name}").GetAwaiter().GetResult();
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
    }

    /// <summary>The Orthanc ids of the SEG instances in a study.</summary>
    public IReadOnlyList<string> SegmentationInstances(string studyId) =>
        [.. GetJson($"studies/{studyId}/series").EnumerateArray()
            .Where(s => s.GetProperty("MainDicomTags").TryGetProperty("Modality", out var m) && m.GetString() == "SEG")
            .SelectMany(s => s.GetProperty("Instances").EnumerateArray().Select(i => i.GetString()!))];

    /// <summary>Orthanc's clock (UTC).</summary>
    public DateTime Now() => DateTime.ParseExact(Http.GetStringAsync("tools/now").GetAwaiter().GetResult().Trim().Trim('"'),
        "yyyyMMdd'T'HHmmss", System.Globalization.CultureInfo.InvariantCulture,
        System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);

    public void Dispose()
    {
        if (_process is not null)
        {
            try
            {
                _process.Kill();
                _process.WaitForExit();
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            _process.Dispose();
            _process = null;
        }
        Http.Dispose();
    }

    private void StartProcess()
    {
        var start = new ProcessStartInfo(Binary, [_configuration])
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Folder,
        };
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited) Assert.Fail($"Orthanc exited at start (code {_process.ExitCode}):\n{Log}");
            try
            {
                using var probe = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(2) };
                using var answer = probe.GetAsync("system").GetAwaiter().GetResult();
                if (answer.IsSuccessStatusCode || answer.StatusCode == HttpStatusCode.Unauthorized) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            Thread.Sleep(100);
        }
        Assert.Fail($"Orthanc did not answer within 60 s:\n{Log}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
