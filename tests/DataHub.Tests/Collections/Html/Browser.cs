using Microsoft.Playwright;

namespace DataHub.Tests.Collections.Html;

/// <summary>
/// The system's Chromium driven by Playwright, headless and offline-minded. Playwright never
/// downloads a browser here: the tests need Debian's chromium (scripts/test installs it).
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    private static readonly string ExecutablePath =
        Environment.GetEnvironmentVariable("DATAHUB_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? playwright;
    private IBrowser? browser;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            return; // reported by each test, so that the reason is read where the failure is
        }
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A fresh page that records what went wrong in it and every request it made.</summary>
    public async Task<WatchedPage> OpenAsync(string? token = null)
    {
        Assert.True(browser is not null,
            $"Chromium was not found at {ExecutablePath}: install it (apt-get install -y chromium; scripts/test does) " +
            "or point DATAHUB_CHROMIUM at a Chromium binary.");
        var context = await browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = 1280, Height = 900 },
            ExtraHTTPHeaders = token is null ? null : new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" },
        });
        return new WatchedPage(await context.NewPageAsync());
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }
        playwright?.Dispose();
    }
}

public sealed class WatchedPage
{
    public IPage Page { get; }
    public List<string> Errors { get; } = [];
    public List<string> Requests { get; } = [];

    public WatchedPage(IPage page)
    {
        Page = page;
        // Console errors include the browser's reports of Content-Security-Policy violations.
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => Errors.Add(error);
        page.RequestFailed += (_, request) => Errors.Add($"{request.Url}: {request.Failure}");
        page.Request += (_, request) => Requests.Add(request.Url);
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                Errors.Add($"{response.Url}: {response.Status}");
            }
        };
    }

    /// <summary>With DATAHUB_SCREENSHOTS set to a folder, saves the page there (to look at it, not to compare).</summary>
    public async Task ScreenshotIfAskedAsync(string name)
    {
        if (Environment.GetEnvironmentVariable("DATAHUB_SCREENSHOTS") is { Length: > 0 } folder)
        {
            await Page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
        }
    }

    /// <summary>Nothing failed and nothing was asked of a host other than the hub.</summary>
    public void AssertCleanAndLocal(Uri hub)
    {
        Assert.True(Errors.Count == 0, "errors in the page: " + string.Join(" | ", Errors));
        var origin = hub.GetLeftPart(UriPartial.Authority);
        Assert.All(Requests, url => Assert.StartsWith(origin, url, StringComparison.Ordinal));
    }
}
