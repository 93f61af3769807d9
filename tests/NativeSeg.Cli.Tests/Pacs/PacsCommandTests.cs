using System.Net;
using System.Net.Sockets;
using NativeSeg.Cli.Commands;
using NativeSeg.Cli.Pacs;

namespace NativeSeg.Cli.Tests.Pacs;

/// <summary>
/// What `nativeseg pacs` refuses before it takes any series, each as one line and an exit code: an Orthanc on which
/// claims would not be safe (CheckRevisions off, the metadata names not declared), wrong credentials, no server, and
/// bad options. With the right credentials the worker runs.
/// </summary>
public sealed class PacsCommandTests
{
    [Test]
    public void OrthancWithoutRevisionChecks_IsRefused_AndNothingIsClaimed()
    {
        using var folder = new TemporaryFolder();
        using var orthanc = OrthancServer.Start(folder.Path, checkRevisions: false);
        string series = orthanc.UploadSeries(PacsSeries.Case009Slab(folder.File("ct")));

        var result = CliRunner.Expect(ExitCodes.InvalidInput, Worker(orthanc.Url, folder));
        Assert.That(result.ErrorLines.Single(), Does.StartWith($"nativeseg: http://127.0.0.1:{orthanc.Port}: ").And.Contain("\"CheckRevisions\": true"));
        Assert.That(orthanc.SeriesMetadata(series, SeriesStatus.MetadataName), Is.Null);
    }

    [Test]
    public void UndeclaredMetadata_IsRefusedWithTheConfigurationToAdd()
    {
        using var folder = new TemporaryFolder();
        using var orthanc = OrthancServer.Start(folder.Path, declareMetadata: false);

        var result = CliRunner.Expect(ExitCodes.InvalidInput, Worker(orthanc.Url, folder));
        Assert.That(result.ErrorLines.Single(), Does.Contain("\"UserMetadata\": { \"NativeSegStatus\": 4400, \"NativeSegStatistics\": 4401 }"));
    }

    [Test]
    public void Credentials_AreSent_AndWrongOnesAreRefused()
    {
        using var folder = new TemporaryFolder();
        using var orthanc = OrthancServer.Start(folder.Path, account: ("nativeseg", "s3cret"));

        var right = CliRunner.Expect(ExitCodes.Success, [.. Worker(orthanc.Url, folder), "--user", "nativeseg", "--password", "s3cret"]);
        Assert.That(right.Out, Does.Contain("pass: 0 done, 0 failed"));
        string previous = Environment.GetEnvironmentVariable(PacsCommand.PasswordVariable) ?? "";
        try
        {
            Environment.SetEnvironmentVariable(PacsCommand.PasswordVariable, "s3cret");
            CliRunner.Expect(ExitCodes.Success, [.. Worker(orthanc.Url, folder), "--user", "nativeseg"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PacsCommand.PasswordVariable, previous.Length == 0 ? null : previous);
        }
        var wrong = CliRunner.Expect(ExitCodes.InvalidInput, [.. Worker(orthanc.Url, folder), "--user", "nativeseg", "--password", "guess"]);
        Assert.That(wrong.ErrorLines.Single(), Does.Contain("HTTP 401"));
        var none = CliRunner.Expect(ExitCodes.InvalidInput, Worker(orthanc.Url, folder));
        Assert.That(none.ErrorLines.Single(), Does.Contain("HTTP 401"));
    }

    [Test]
    public void NoServer_IsRefusedOnceTheRetriesRunOut()
    {
        using var folder = new TemporaryFolder();
        var url = new Uri($"http://127.0.0.1:{ClosedPort()}/");

        var result = CliRunner.Expect(ExitCodes.InvalidInput, [.. Worker(url, folder), "--retry-minutes", "0.03"]);
        Assert.That(result.ErrorLines.Single(), Does.Contain("Orthanc unreachable: GET /system"));
        Assert.That(result.Err, Does.Contain("warning: orthanc: GET /system:").And.Contain("attempt 2"), "retried before giving up");
    }

    [TestCase("--url", "localhost:8042")]
    [TestCase("--url", "ftp://localhost/")]
    [TestCase("--lease-minutes", "0.01")]
    [TestCase("--poll-seconds", "0")]
    [TestCase("--retry-minutes", "-1")]
    [TestCase("--batch-size", "0")]
    public void BadOption_IsUsageError(string option, string value)
    {
        using var folder = new TemporaryFolder();
        var args = Worker(new Uri("http://127.0.0.1:9/"), folder).ToList();
        int at = args.IndexOf(option);
        if (at >= 0) args[at + 1] = value;
        else args.AddRange([option, value]);

        var result = CliRunner.Expect(ExitCodes.UsageError, [.. args]);
        Assert.That(result.ErrorLines.Single(), Does.Contain(option));
    }

    private static string[] Worker(Uri url, TemporaryFolder folder) =>
        ["pacs", "--url", url.ToString(), "--once", "--device", "cpu", "--work-dir", folder.File("work")];

    /// <summary>A localhost port nothing listens on (bound and released).</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
