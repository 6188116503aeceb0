using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SalesOrleans.Tests.Support;

/// <summary>
/// An HTTP load balancer between a PBX and the nodes that writes down every webhook answer it passes back: which
/// event of which call the PBX was told is done. Requests go round-robin to the nodes (each node takes its share,
/// the one to be killed too); a node that refuses or drops a request is skipped for a few seconds, and that request
/// is answered 502 — not acknowledged, as a balancer does not resend a POST it may have delivered.
/// </summary>
public sealed class RecordingBalancer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IReadOnlyList<Uri> _backends;
    private readonly DateTime[] _downUntil;
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 32 }) { Timeout = TimeSpan.FromSeconds(20) };
    private int _next;

    private RecordingBalancer(WebApplication app, IReadOnlyList<Uri> backends)
    {
        _app = app;
        _backends = backends;
        _downUntil = new DateTime[backends.Count];
    }

    /// <summary>Every answer passed back, in order: the call, the event and the status.</summary>
    public ConcurrentQueue<(string CallId, string Event, int Status)> Answers { get; } = new();

    /// <summary>Every answer other than a 2xx with what was posted and what came back: a failing test says why.</summary>
    public ConcurrentQueue<(int Status, string Request, string Answer)> Refusals { get; } = new();

    public Uri Address => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static async Task<RecordingBalancer> StartAsync(IReadOnlyList<Uri> backends)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var balancer = new RecordingBalancer(app, backends);
        app.Run(balancer.Forward);
        await app.StartAsync();
        return balancer;
    }

    private async Task Forward(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var bytes = body.ToArray();
        var (callId, name) = Describe(bytes);
        var status = StatusCodes.Status502BadGateway;
        byte[] answer = [];
        var index = Pick();
        try
        {
            using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(_backends[index], context.Request.Path + context.Request.QueryString))
            {
                Content = new ByteArrayContent(bytes),
            };
            foreach (var header in context.Request.Headers.Where(h => h.Key.StartsWith("X-", StringComparison.OrdinalIgnoreCase)))
            {
                request.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
            }

            request.Content.Headers.TryAddWithoutValidation("Content-Type", context.Request.ContentType ?? "application/json");
            using var response = await _http.SendAsync(request);
            status = (int)response.StatusCode;
            answer = await response.Content.ReadAsByteArrayAsync();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            lock (_downUntil)
            {
                _downUntil[index] = DateTime.UtcNow.AddSeconds(5);
            }
        }

        Answers.Enqueue((callId, name, status));
        if (status is < 200 or > 299)
        {
            Refusals.Enqueue((status, System.Text.Encoding.UTF8.GetString(bytes), System.Text.Encoding.UTF8.GetString(answer)));
        }

        context.Response.StatusCode = status;
        await context.Response.Body.WriteAsync(answer);
    }

    private int Pick()
    {
        for (var i = 0; ; i++)
        {
            var index = (int)((uint)Interlocked.Increment(ref _next) % _backends.Count);
            lock (_downUntil)
            {
                if (_downUntil[index] <= DateTime.UtcNow || i >= _backends.Count * 2)
                {
                    return index;
                }
            }
        }
    }

    private static (string CallId, string Event) Describe(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return (json.RootElement.GetProperty("call_id").GetString() ?? "", json.RootElement.GetProperty("event").GetString() ?? "");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return ("", "");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
    }
}
