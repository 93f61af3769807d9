using System.CommandLine;
using System.Globalization;
using NativeSeg.Cli.Devices;
using NativeSeg.Cli.Pacs;
using NativeSeg.IO;

namespace NativeSeg.Cli.Commands;

/// <summary>
/// `nativeseg pacs --url URL`: the PACS worker on Orthanc. Segments every CT series that has no lung segmentation
/// yet and stores the DICOM-SEG and statistics back into Orthanc; any number of workers can share one server.
/// </summary>
public static class PacsCommand
{
    /// <summary>Read when --password is not given, so the password need not appear in the process list.</summary>
    public const string PasswordVariable = "NATIVESEG_PACS_PASSWORD";

    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "Orthanc's REST API, e.g. http://localhost:8042.", Required = true };
        var user = new Option<string?>("--user") { Description = "HTTP Basic user name, when Orthanc asks for one." };
        var password = new Option<string?>("--password") { Description = $"HTTP Basic password (default: the {PasswordVariable} environment variable)." };
        var once = new Option<bool>("--once") { Description = "One pass over the series, then exit (default: keep polling)." };
        var pollSeconds = new Option<double>("--poll-seconds") { Description = "Seconds between passes that found nothing to do.", DefaultValueFactory = _ => 30 };
        var workerId = new Option<string?>("--worker-id") { Description = "This worker's name in claims (default: HOST-PID)." };
        var leaseMinutes = new Option<double>("--lease-minutes") { Description = "How long a claim lasts unless renewed (renewed every third of it while working); a dead worker's series is taken over after this.", DefaultValueFactory = _ => 5 };
        var retryMinutes = new Option<double>("--retry-minutes") { Description = "How long one request keeps retrying while Orthanc is unreachable.", DefaultValueFactory = _ => 10 };
        var workDir = new Option<string?>("--work-dir") { Description = "Where series are downloaded while they are processed (default: the system temp folder)." };
        var weights = new Option<string?>("--weights", "-w") { Description = "Weights file (.safetensors). Default: the shipped weights." };
        var device = new Option<string>("--device", "-d") { Description = "auto, cpu, cuda, reference, ilgpu-cpu.", DefaultValueFactory = _ => "auto" };
        var batchSize = new Option<int>("--batch-size", "-b") { Description = "Slices per forward pass.", DefaultValueFactory = _ => 8 };
        var command = new Command("pacs", "Worker on an Orthanc PACS: segment every CT series without a lung segmentation and store the DICOM-SEG and statistics back.")
        {
            url, user, password, once, pollSeconds, workerId, leaseMinutes, retryMinutes, workDir, weights, device, batchSize,
        };
        command.SetAction(result => CommandRunner.Run(cancel => Execute(new Request(
            result.GetValue(url)!, result.GetValue(user), result.GetValue(password), result.GetValue(once), result.GetValue(pollSeconds),
            result.GetValue(workerId), result.GetValue(leaseMinutes), result.GetValue(retryMinutes), result.GetValue(workDir),
            result.GetValue(weights), result.GetValue(device)!, result.GetValue(batchSize)), cancel), CommandContext.Cancellation));
        return command;
    }

    private sealed record Request(string Url, string? User, string? Password, bool Once, double PollSeconds, string? WorkerId,
        double LeaseMinutes, double RetryMinutes, string? WorkDir, string? Weights, string Device, int BatchSize);

    private static int Execute(Request r, CancellationToken cancellation)
    {
        if (!Uri.TryCreate(r.Url, UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
            throw new UsageException($"--url {r.Url}: give Orthanc's address as http://HOST:PORT or https://HOST:PORT.");
        if (!(r.PollSeconds > 0)) throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--poll-seconds must be positive, got {r.PollSeconds}."));
        // At least 3 s, so the renewals (every third) are not busier than a request per second.
        if (!(r.LeaseMinutes >= 0.05)) throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--lease-minutes must be at least 0.05 (3 s), got {r.LeaseMinutes}."));
        if (!(r.RetryMinutes >= 0)) throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--retry-minutes must not be negative, got {r.RetryMinutes}."));
        if (r.BatchSize < 1) throw new UsageException($"--batch-size must be at least 1, got {r.BatchSize}.");
        string workerId = string.IsNullOrWhiteSpace(r.WorkerId) ? $"{Environment.MachineName}-{Environment.ProcessId}" : r.WorkerId.Trim();
        if (workerId.Any(char.IsControl)) throw new UsageException("--worker-id must not hold control characters.");
        string password = r.Password ?? Environment.GetEnvironmentVariable(PasswordVariable) ?? "";
        if (r.User is null && r.Password is not null) throw new UsageException("--password needs --user.");

        string weightsPath = WeightsLocator.Resolve(r.Weights);
        if (!File.Exists(weightsPath)) throw new InvalidInputException(weightsPath, "no such weights file");
        string workFolder = Path.GetFullPath(r.WorkDir ?? Path.Combine(Path.GetTempPath(), "nativeseg-pacs"));
        try
        {
            Directory.CreateDirectory(workFolder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException(workFolder, $"cannot create the work folder: {e.Message}", e);
        }
        string device = AutoDevice.Resolve(r.Device, quiet: false);

        var options = new PacsWorkerOptions
        {
            WorkerId = workerId,
            LeaseLength = TimeSpan.FromMinutes(r.LeaseMinutes),
            PollInterval = r.Once ? null : TimeSpan.FromSeconds(r.PollSeconds),
            WorkFolder = workFolder,
            WeightsPath = weightsPath,
            Device = device,
            BatchSize = r.BatchSize,
        };
        var retry = new RetryPolicy(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(r.RetryMinutes),
            seed: StableHash(workerId));
        var log = Console.Out;
        using var orthanc = new OrthancClient(baseUri, r.User, password, retry,
            message => Console.Error.WriteLine($"warning: orthanc: {TerminalText.Sanitize(message)}"), TimeSpan.FromMinutes(5));
        using var segmenter = new SeriesSegmenter(weightsPath, device, r.BatchSize);
        try
        {
            new PacsWorker(orthanc, options, segmenter, log).Run(cancellation);
        }
        catch (OrthancException e)
        {
            // The server is this command's input: unreachable, misconfigured, refusing the credentials.
            throw new InvalidInputException(baseUri.GetLeftPart(UriPartial.Authority), StripServer(e.Message, baseUri), e);
        }
        return ExitCodes.Success;
    }

    /// <summary>The message without a leading "http://host:port:" (the exception adds the server itself).</summary>
    private static string StripServer(string message, Uri server)
    {
        string prefix = server.GetLeftPart(UriPartial.Authority);
        foreach (string p in new[] { server.GetLeftPart(UriPartial.Path).TrimEnd('/') + ": ", prefix + ": " })
            if (message.StartsWith(p, StringComparison.Ordinal)) return message[p.Length..];
        return message;
    }

    /// <summary>A hash of the worker id that is the same in every run (string.GetHashCode is randomised per process).</summary>
    private static int StableHash(string text)
    {
        unchecked
        {
            int hash = (int)2166136261;
            foreach (char c in text) hash = (hash ^ c) * 16777619;
            return hash;
        }
    }
}
