using Microsoft.Playwright;

namespace SalesOrleans.Tests.Ui;

/// <summary>The analytics page on a 1366 px laptop screen: nothing wider than the screen, charts side by side without overlapping, every table column in view.</summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public class AnalyticsWidthTests(UiFixture fixture)
{
    [Fact]
    public async Task At_1366_px_the_analytics_page_fits_its_charts_do_not_overlap_and_no_table_hides_a_column()
    {
        var page = await fixture.LoginAsync("e.keller", "/analytics.html", 1366, 768);
        await page.WaitForFunctionAsync("() => Number(document.body.dataset.loaded) >= 1", null, new() { Timeout = 20_000 });

        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 1366"),
            $"the page is {await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")} px wide");
        var overlaps = await page.EvaluateAsync<string>("""
            () => {
              const boxes = [...document.querySelectorAll('canvas')].map(c => ({ id: c.id || c.parentElement.id, r: c.getBoundingClientRect() }));
              const out = [];
              for (const b of boxes) if (b.r.left < 0 || b.r.right > 1366.5 || b.r.width < 200) out.push(`${b.id} at ${Math.round(b.r.left)}..${Math.round(b.r.right)}`);
              for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
                const a = boxes[i].r, b = boxes[j].r;
                if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) out.push(`${boxes[i].id} overlaps ${boxes[j].id}`);
              }
              return out.join('; ');
            }
            """);
        Assert.True(overlaps.Length == 0, overlaps);
        var hidden = await page.EvaluateAsync<string>("""
            () => [...document.querySelectorAll('main table')]
              .filter(t => t.getBoundingClientRect().right > 1366.5 || (t.parentElement.scrollWidth > t.parentElement.clientWidth + 1 && getComputedStyle(t.parentElement).overflowX !== 'visible'))
              .map(t => t.id || t.closest('section')?.id || 'table').join(', ')
            """);
        Assert.True(hidden.Length == 0, $"tables with columns out of view: {hidden}");
        await UiFixture.Screenshot(page, "analytics-1366");
    }
}
