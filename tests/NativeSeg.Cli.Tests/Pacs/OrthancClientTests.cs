using System.Net;
using System.Net.Sockets;
using System.Text;
using NativeSeg.Cli.Pacs;

namespace NativeSeg.Cli.Tests.Pacs;

/// <summary>
/// The client against a server that stalls (a socket that sends headers and part of the body, then nothing): a stall
/// past the request timeout is a failure that is retried and then reported as Orthanc unreachable.
/// </summary>
public sealed class OrthancClientTests
{
    [Test]
    public void EveryWayAConnectionFails_IsRetried_AndNothingElseIs()
    {
        Assert.That(OrthancClient.IsConnectionFailure(new HttpRequestException("refused")), Is.True);
        Assert.That(OrthancClient.IsConnectionFailure(new IOException("reset")), Is.True);
        // Seen in CI, unwrapped, while Orthanc restarted under a running worker.
        Assert.That(OrthancClient.IsConnectionFailure(new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.NotConnected)), Is.True);
        Assert.That(OrthancClient.IsConnectionFailure(new InvalidOperationException()), Is.False);
        Assert.That(OrthancClient.IsConnectionFailure(new System.Text.Json.JsonException()), Is.False);
    }

    [Test]
    public void StallPastTheTimeout_IsRetried_ThenReported()
    {
        using var server = new StallingServer(1);
        var retries = new List<string>();
        using var client = new OrthancClient(server.Url, null, null,
            new RetryPolicy(TimeSpan.FromSeconds(0.1), TimeSpan.FromSeconds(0.1), TimeSpan.FromSeconds(1), seed: 1), retries.Add, TimeSpan.FromMilliseconds(300));

        var failure = Assert.Throws<OrthancException>(() => client.GetJson("system", CancellationToken.None))!;
        Assert.That(failure.Unreachable, Is.True);
        Assert.That(failure.Message, Does.Contain("Orthanc unreachable: GET /system: no answer within"));
        Assert.That(retries, Is.Not.Empty.And.All.Contain("no answer within"));
    }

    /// <summary>
    /// Accepts connections and reads the request; stage 0 then sends nothing, stage 1 sends the headers and the first
    /// bytes of a promised 1000-byte body, then nothing. Connections stay open until disposed.
    /// </summary>
    private sealed class StallingServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<TcpClient> _connections = [];
        private readonly Thread _thread;

        public StallingServer(int stage)
        {
            _listener.Start();
            Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
            _thread = new Thread(() =>
            {
                try
                {
                    while (true)
                    {
                        var connection = _listener.AcceptTcpClient();
                        lock (_connections) _connections.Add(connection);
                        var stream = connection.GetStream();
                        stream.ReadExactly(new byte[16]); // the start of the request line
                        if (stage == 1)
                            stream.Write(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[1,2,"));
                    }
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or InvalidOperationException)
                {
                    // Disposed.
                }
            }) { IsBackground = true };
            _thread.Start();
        }

        public Uri Url { get; }

        public void Dispose()
        {
            _listener.Stop();
            lock (_connections) _connections.ForEach(c => c.Dispose());
            _thread.Join();
        }
    }
}
