using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using SalesOrleans.Tests.Support;
using Xunit.Abstractions;

namespace SalesOrleans.Tests.Integration;

/// <summary>
/// PostgreSQL stopped under a running node: requests fail fast with 503 + Retry-After (no hangs, no 500s), readiness
/// says not ready; PostgreSQL started again: the node resumes by itself and every acknowledged write is there.
/// The test runs its own PostgreSQL cluster (deploy/pg.sh) on its own port, since it stops it.
/// </summary>
[Trait("Category", "Fault")]
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    /// <summary>Far above a fail-fast answer, far below a hang (the HTTP client's own timeout is 100 s).</summary>
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task With_PostgreSQL_down_requests_get_503_with_Retry_After_and_the_node_resumes_by_itself_when_it_is_back()
    {
        await using var pg = await PrivatePostgres.StartAsync();
        await using var node = await TestNode.StartAsync(pg.ConnectionString);
        var client = await node.ClientAsync("k.weber");
        var acknowledged = new List<Guid>();
        async Task<HttpResponseMessage> CreateDeal(Guid id) => await client.PostAsJsonAsync("/api/deals",
            new { id, processKind = "training-sales", title = $"Outage {id:N}", company = "Hansa Print", amount = 1000 });

        for (var i = 0; i < 3; i++)
        {
            var id = Guid.NewGuid();
            Assert.Equal(HttpStatusCode.Created, (await CreateDeal(id)).StatusCode);
            acknowledged.Add(id);
        }

        await pg.StopAsync();
        var refused = new List<Guid>();
        var unavailable = 0;
        for (var i = 0; i < 6; i++)
        {
            var id = Guid.NewGuid();
            foreach (var request in new Func<Task<HttpResponseMessage>>[]
                     {
                         () => CreateDeal(id),
                         () => client.PostAsJsonAsync($"/api/deals/{acknowledged[0]}/notes", new { text = $"During the outage {i}" }),
                         () => client.GetAsync("/api/deals?owner=k.weber"),
                     })
            {
                var watch = Stopwatch.StartNew();
                var response = await request();
                output.WriteLine($"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri!.PathAndQuery} -> {(int)response.StatusCode} in {watch.ElapsedMilliseconds} ms");
                Assert.True(watch.Elapsed < NoHang, $"answered after {watch.Elapsed}");
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    unavailable++;
                    Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "503 without Retry-After");
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                }
                else
                {
                    // Whatever else it says, it is not a crash; a 201 is an acknowledged write like any other.
                    Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }

            var created = (await client.GetAsync($"/api/deals/{id}")).StatusCode == HttpStatusCode.OK;
            (created ? acknowledged : refused).Add(id);
        }

        Assert.True(unavailable > 0, "no request was answered 503 while PostgreSQL was down");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);

        await pg.StartAgainAsync();
        var resumed = Stopwatch.StartNew();
        await Eventually(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, "readiness after PostgreSQL came back");
        // A refused create retried with its id (as the Retry-After asks) now goes through.
        foreach (var id in refused)
        {
            await Eventually(async () => (await CreateDeal(id)).StatusCode == HttpStatusCode.Created, $"retrying deal {id}");
            acknowledged.Add(id);
        }

        output.WriteLine($"resumed {resumed.ElapsedMilliseconds} ms after PostgreSQL was started again");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/deals/{acknowledged[0]}/notes", new { text = "After the outage" })).StatusCode);

        // Every acknowledged deal is stored (the grain) and listed (the read model, which catches up by itself).
        foreach (var id in acknowledged)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/deals/{id}")).StatusCode);
        }

        await Eventually(async () =>
        {
            var listed = (await client.GetFromJsonAsync<List<System.Text.Json.JsonElement>>("/api/deals?owner=k.weber"))!
                .Select(d => d.GetProperty("id").GetGuid()).ToHashSet();
            return acknowledged.All(listed.Contains);
        }, "every acknowledged deal in the list");
    }

    [Fact]
    public async Task A_node_joining_under_creates_refuses_none_and_with_PostgreSQL_down_every_failure_is_a_503_whichever_node_the_grain_lives_on()
    {
        // Two node processes serve both checks (a node start is the costly part). First: a second node joins while
        // deals are created through the first; grains land on the joining node as soon as it is active, so it must know
        // the users by then (it answered 400 "Unknown user" for about 1.5 s).
        await using var pg = await PrivatePostgres.StartAsync();
        var watch = Stopwatch.StartNew();
        await using var first = await NodeProcess.StartAsync(pg.ConnectionString, "outage-0");
        var creator = await first.ClientAsync("l.braun");
        var joinAnswers = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var joinErrors = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var stopCreates = new CancellationTokenSource();
        var creates = Task.Run(async () =>
        {
            for (var i = 0; !stopCreates.IsCancellationRequested; i++)
            {
                using var response = await creator.PostAsJsonAsync("/api/deals", new
                {
                    id = Guid.NewGuid(), processKind = "training-sales", title = $"Kurs «Excel für Fortgeschrittene» {i}", company = "Hansa Print KG",
                    amount = 900 + i, owner = "l.braun",
                });
                joinAnswers.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                if (!response.IsSuccessStatusCode)
                {
                    joinErrors.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }

                // Paced load (about 40 creates a second), not a wait for anything.
                await Task.Delay(25);
            }
        });
        await using var second = await NodeProcess.StartAsync(pg.ConnectionString, "outage-1");
        // Creates keep going while the new node takes its share of the grains.
        await Task.Delay(TimeSpan.FromSeconds(4));
        stopCreates.Cancel();
        await creates;
        output.WriteLine($"two nodes ready in {watch.ElapsedMilliseconds} ms; creates while the second joined: {string.Join(", ", joinAnswers.OrderBy(a => a.Key).Select(a => $"{a.Key} × {a.Value}"))}");
        Assert.True(joinErrors.IsEmpty, string.Join("\n", joinErrors.Take(5)));
        Assert.True(joinAnswers.GetValueOrDefault(201) > 20, "too few creates to say anything");

        // Then PostgreSQL stops. Grains live on either node, so about half of the calls below cross nodes: a driver
        // exception has no codec and used to reach the asking node only as a serialization failure, answered 500.
        var clients = new[] { await first.ClientAsync("k.weber"), await second.ClientAsync("k.weber") };
        var deals = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            var id = Guid.NewGuid();
            var created = await clients[i % 2].PostAsJsonAsync("/api/deals",
                new { id, processKind = "training-sales", title = $"Schulung Außendienst {i}", company = "Müller & Söhne GmbH", amount = 1200 + i });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            deals.Add(id);
        }

        await pg.StopAsync();
        var answers = new Dictionary<string, int>();
        var outage = Stopwatch.StartNew();
        foreach (var (deal, n) in deals.Select((d, n) => (d, n)))
        {
            foreach (var client in clients)
            {
                foreach (var request in new Func<Task<HttpResponseMessage>>[]
                         {
                             () => client.PostAsJsonAsync($"/api/deals/{deal}/notes", new { text = $"Звонок клиенту во время сбоя {n}" }),
                             () => client.PostAsJsonAsync($"/api/deals/{deal}/parameters", new { participants = $"{n + 3}" }),
                         })
                {
                    var started = Stopwatch.StartNew();
                    using var response = await request();
                    Assert.True(started.Elapsed < NoHang, $"answered after {started.Elapsed}");
                    var key = $"{(int)response.StatusCode}{(response.Headers.RetryAfter is null ? "" : " + Retry-After")}";
                    answers[key] = answers.GetValueOrDefault(key) + 1;
                    if ((int)response.StatusCode >= 500)
                    {
                        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter?.Delta > TimeSpan.Zero,
                            $"{(int)response.StatusCode} without Retry-After: {await response.Content.ReadAsStringAsync()}");
                    }
                }
            }
        }

        output.WriteLine($"answers during the outage ({outage.ElapsedMilliseconds} ms): {string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{a.Key} × {a.Value}"))}");
        Assert.True(answers.GetValueOrDefault("503 + Retry-After") > 0, "no request was answered 503 while PostgreSQL was down");

        await pg.StartAgainAsync();
        var resumed = Stopwatch.StartNew();
        foreach (var client in clients)
        {
            await Eventually(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, "readiness after PostgreSQL came back");
        }

        foreach (var client in clients)
        {
            await Eventually(async () => (await client.PostAsJsonAsync($"/api/deals/{deals[0]}/notes", new { text = "Nach dem Ausfall" })).StatusCode == HttpStatusCode.OK,
                "a note after the outage");
        }

        output.WriteLine($"both nodes took writes again {resumed.ElapsedMilliseconds} ms after PostgreSQL was started again; whole test {watch.ElapsedMilliseconds} ms");
    }

    private static Task Eventually(Func<Task<bool>> condition, string what) => Poll.Until(async () =>
    {
        try
        {
            return await condition();
        }
        catch (HttpRequestException)
        {
            // A node may drop a connection while PostgreSQL is away: not yet, ask again.
            return false;
        }
    }, $"timed out waiting for {what}", 90);
}

/// <summary>A PostgreSQL cluster of the test's own, through deploy/pg.sh (as deploy/test.sh starts its one).</summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _work;
    private readonly int _port;

    private PrivatePostgres(string work, int port)
    {
        _work = work;
        _port = port;
    }

    public string ConnectionString => $"Host=127.0.0.1;Port={_port};Username=postgres;Database=sales";

    private string DataDir => Path.Combine(_work, "pg", "data");

    public static async Task<PrivatePostgres> StartAsync()
    {
        var work = Path.Combine(Path.GetTempPath(), $"salesorleans-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(work, (UnixFileMode)0b111_101_101);
        var pg = new PrivatePostgres(work, NodeProcess.FreePort());
        await pg.StartAgainAsync();
        return pg;
    }

    public Task StartAgainAsync() => Shell($"pg_start '{DataDir}' {_port} sales fast");

    public Task StopAsync() => Shell($"pg_stop '{DataDir}'");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    private static async Task Shell(string command)
    {
        var info = new ProcessStartInfo("bash", ["-c", $"source deploy/pg.sh && {command}"])
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{command}: {await stdout}{await stderr}");
    }
}
