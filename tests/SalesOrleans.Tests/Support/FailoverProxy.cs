using System.Net;
using System.Net.Sockets;

namespace SalesOrleans.Tests.Support;

/// <summary>
/// The load balancer in front of the nodes, as small as a test needs: every connection goes to the current node
/// (sticky, as client-address affinity keeps a browser's SignalR requests together); when that node refuses or drops
/// connections, the next one becomes current. Loopback only.
/// </summary>
public sealed class FailoverProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IReadOnlyList<Uri> _backends;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _current;

    public FailoverProxy(IReadOnlyList<Uri> backends)
    {
        _backends = backends;
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _accepting = Task.Run(AcceptAsync);
    }

    public Uri Address { get; }

    /// <summary>The node connections go to now.</summary>
    public Uri Current => _backends[Volatile.Read(ref _current)];

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var backend = await ConnectAsync();
            if (backend is null)
            {
                return;
            }

            using (backend)
            {
                var up = client.GetStream().CopyToAsync(backend.GetStream(), _stop.Token);
                var down = backend.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
                try
                {
                    // Either side ending ends the pair: a killed node's connections close towards the browser too.
                    await Task.WhenAny(up, down);
                }
                catch (Exception)
                {
                }
            }
        }
    }

    /// <summary>Connects to the current node, moving on to the next while nodes refuse.</summary>
    private async Task<TcpClient?> ConnectAsync()
    {
        for (var tries = 0; tries < _backends.Count * 3; tries++)
        {
            var index = Volatile.Read(ref _current);
            var target = _backends[index];
            var backend = new TcpClient();
            try
            {
                await backend.ConnectAsync(target.Host, target.Port, _stop.Token);
                return backend;
            }
            catch (Exception) when (!_stop.IsCancellationRequested)
            {
                backend.Dispose();
                Interlocked.CompareExchange(ref _current, (index + 1) % _backends.Count, index);
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
