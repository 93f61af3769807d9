using System.Net;
using System.Net.Sockets;

namespace NativeSeg.Cli.Tests.Pacs;

/// <summary>
/// An HTTP proxy in front of Orthanc that passes every request on except a worker's SEG upload (POST /instances),
/// which it holds unanswered and never forwards. A test that must stop or kill a worker mid-series waits for the held
/// upload and so stops it at a known step, the last one, with all its work done and nothing stored, however fast or
/// slow the machine is. (A fixed sleep after the claim sometimes found the series already done on an idle machine.)
/// </summary>
public sealed class StoreHoldingProxy : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _orthanc;
    private readonly ManualResetEventSlim _storeHeld = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly Thread _acceptor;

    /// <summary>Headers about one connection (or set by the listener itself), not passed on.</summary>
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Expect", "Upgrade", "Proxy-Connection",
    };

    private StoreHoldingProxy(Uri orthanc)
    {
        _orthanc = new HttpClient { BaseAddress = orthanc, Timeout = TimeSpan.FromSeconds(60) };
        Url = new Uri($"http://127.0.0.1:{FreePort()}/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _acceptor = new Thread(Accept) { IsBackground = true, Name = "store-holding proxy" };
        _acceptor.Start();
    }

    public Uri Url { get; }

    public static StoreHoldingProxy Start(Uri orthanc) => new(orthanc);

    /// <summary>Blocks until a worker's SEG upload has arrived and is being held; fails the test after <paramref name="limit"/>.</summary>
    public void WaitForHeldStore(TimeSpan limit, WorkerProcess worker)
    {
        if (!_storeHeld.Wait(limit)) Assert.Fail($"no SEG upload reached the proxy within {limit.TotalSeconds:F0} s; the worker printed:\n{worker.Output}");
    }

    public void Dispose()
    {
        _closing.Cancel();
        _listener.Close();
        _acceptor.Join(TimeSpan.FromSeconds(10));
        _orthanc.Dispose();
    }

    private void Accept()
    {
        try
        {
            while (true)
            {
                var context = _listener.GetContext();
                ThreadPool.QueueUserWorkItem(_ => Answer(context));
            }
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // Closed by Dispose.
        }
    }

    private void Answer(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        try
        {
            using var body = new MemoryStream();
            request.InputStream.CopyTo(body);
            if (request.HttpMethod == "POST" && request.Url!.AbsolutePath == "/instances")
            {
                _storeHeld.Set();
                _closing.Token.WaitHandle.WaitOne(); // never forwarded: Orthanc does not see the SEG
                response.Abort();
                return;
            }
            using var forward = new HttpRequestMessage(new HttpMethod(request.HttpMethod), request.Url!.PathAndQuery.TrimStart('/'));
            if (body.Length > 0) forward.Content = new ByteArrayContent(body.ToArray());
            // Every end-to-end header both ways: the worker's claims rest on Orthanc's ETag and If-Match.
            foreach (string name in request.Headers.AllKeys.OfType<string>().Where(n => !HopByHop.Contains(n)))
            {
                string[] values = request.Headers.GetValues(name) ?? [];
                if (!forward.Headers.TryAddWithoutValidation(name, values)) forward.Content?.Headers.TryAddWithoutValidation(name, values);
            }
            using var answer = _orthanc.Send(forward, _closing.Token);
            byte[] bytes = answer.Content.ReadAsByteArrayAsync(_closing.Token).GetAwaiter().GetResult();
            response.StatusCode = (int)answer.StatusCode;
            foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers).Where(h => !HopByHop.Contains(h.Key)))
                foreach (string value in values) response.AppendHeader(name, value);
            response.ContentLength64 = bytes.Length;
            response.OutputStream.Write(bytes);
            response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or HttpRequestException or OperationCanceledException or ObjectDisposedException)
        {
            // The worker went away (killed, stopped) or Orthanc did, or the proxy is closing: drop the connection
            // as a dead server would.
            try { response.Abort(); } catch (ObjectDisposedException) { }
        }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
