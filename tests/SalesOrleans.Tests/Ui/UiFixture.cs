using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SalesOrleans.Tests.Integration;

namespace SalesOrleans.Tests.Ui;

/// <summary>A real node on PostgreSQL and headless Chromium (Debian's, driven by Playwright) for end-to-end tests.</summary>
public sealed class UiFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public TestNode Node { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the tests leave screenshots of the main pages (deploy/test.sh keeps them in docs/screenshots).</summary>
    public static string ScreenshotDirectory =>
        Environment.GetEnvironmentVariable("SALES_SCREENSHOTS") is { Length: > 0 } dir ? dir : Path.Combine(Path.GetTempPath(), "salesorleans-screenshots");

    public async Task InitializeAsync()
    {
        Node = await TestNode.StartAsync(await TestDatabase.CreateAsync());
        _playwright = await Playwright.CreateAsync();
        Browser = await LaunchAsync(_playwright);
    }

    /// <summary>Debian's headless Chromium (CHROMIUM overrides the path).</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });

    /// <summary>A browser page logged in as the user (its own cookie jar).</summary>
    public Task<IPage> LoginAsync(string user, string path = "/board.html", TestNode? node = null) => LoginAsync(Browser, (node ?? Node).Address, user, path);

    /// <summary>A page logged in as the user on a screen of the given size (390×844: a phone).</summary>
    public Task<IPage> LoginAsync(string user, string path, int width, int height) => LoginAsync(Browser, Node.Address, user, path, width, height);

    /// <summary>A page of <paramref name="browser"/> logged in at <paramref name="address"/> (a node, or a proxy in front of nodes).</summary>
    public static async Task<IPage> LoginAsync(IBrowser browser, Uri address, string user, string path, int width = 1400, int height = 900)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = address.ToString().TrimEnd('/'), ViewportSize = new ViewportSize { Width = width, Height = height } });
        // Signed in through the API in the browser's own context (its cookies are the page's): the login page has tests
        // of its own (LanguageAndPhoneTests), and a refused or slow login here says so instead of timing out on a page.
        var login = await context.APIRequest.PostAsync("/api/auth/login", new() { DataObject = new { userName = user, password = "demo" }, Timeout = 60_000 });
        if (!login.Ok)
        {
            throw new InvalidOperationException($"Login of {user} answered {login.Status}: {await login.TextAsync()}");
        }

        var page = await context.NewPageAsync();
        // DOMContentLoaded, not "load": every test then waits for what it needs, and a slow subresource on a loaded CI
        // machine (the live script, a font) must not fail a test.
        await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = 60_000 });
        return page;
    }

    /// <summary>
    /// Waits until the page's address matches <paramref name="address"/> (a regular expression); callers then wait for
    /// what they need on the page. Neither WaitForURLAsync nor WaitForLoadStateAsync: both read the frame's state as the
    /// test process last heard it (its address, its load states) and then listen for the next event, and beside CPU hogs
    /// that state went stale after a script redirect (the start page, the login, a new deal): the wait ran out with the
    /// page already there and rendered (CI at fe30239; a hog run at 809255d, with the load states). The expectation polls
    /// in the browser.
    /// </summary>
    public static async Task WaitForAddress(IPage page, string address, int timeout = 60_000)
    {
        try
        {
            await Assertions.Expect(page).ToHaveURLAsync(new Regex(address), new() { Timeout = timeout });
        }
        catch (PlaywrightException e)
        {
            // A failed expectation reads as what it is to the callers: the page did not get there in time.
            throw new TimeoutException($"not at {address} within {timeout} ms: still at {page.Url}", e);
        }
    }

    /// <summary>
    /// Holds the first request matching <paramref name="url"/>: its answer is read from the server at once and handed to
    /// the page once <paramref name="releaseWhen"/> (a script expression) holds in it, or after 5 s, as a busy server answers late. The tasks
    /// returned complete once it was read from the server and once the page had it (LateReadTests).
    /// </summary>
    public static async Task<(Task Asked, Task Answered)> HoldFirst(IPage page, string url, string releaseWhen)
    {
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = 0;
        await page.RouteAsync(url, async route =>
        {
            if (Interlocked.Increment(ref seen) != 1)
            {
                await route.ContinueAsync();
                return;
            }

            var answer = await route.FetchAsync();
            asked.SetResult();
            try
            {
                await page.WaitForFunctionAsync($"() => {releaseWhen}", null, new() { Timeout = 5_000 });
            }
            catch (TimeoutException)
            {
                // Nothing newer was drawn meanwhile (a page that reads one at a time waits for this answer): it comes now.
            }

            await route.FulfillAsync(new() { Response = answer });
            answered.SetResult();
        });
        return (asked.Task, answered.Task);
    }

    /// <summary>True when <paramref name="expression"/> holds in the page for a whole second (checked every 50 ms).</summary>
    public static Task<bool> Stays(IPage page, string expression) => page.EvaluateAsync<bool>($$"""
        () => new Promise(done => {
          const end = Date.now() + 1000;
          const timer = setInterval(() => {
            if (!({{expression}})) { clearInterval(timer); done(false); } else if (Date.now() > end) { clearInterval(timer); done(true); }
          }, 50);
        })
        """);

    public static async Task WaitLive(IPage page) => await page.WaitForSelectorAsync("body[data-live=on]");

    public static async Task Screenshot(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
        await Node.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class UiCollection : ICollectionFixture<UiFixture>
{
    public const string Name = "browser";
}
