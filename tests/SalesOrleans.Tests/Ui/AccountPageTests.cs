using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SalesOrleans.ReadModel;
using SalesOrleans.Web.Auth;

namespace SalesOrleans.Tests.Ui;

/// <summary>The account page under the Content-Security-Policy: a user changes their password, an admin resets it, deactivates the user and issues and revokes a token.</summary>
[Trait("Category", "Ui")]
[Collection(UiCollection.Name)]
public sealed class AccountPageTests(UiFixture fixture)
{
    [Fact]
    public async Task A_manager_sees_their_extension_and_turns_notification_mail_off()
    {
        var name = $"u{Guid.NewGuid():N}"[..12];
        await fixture.Node.Services.GetRequiredService<UserStore>().CreateUserIfMissingAsync(new UserRecord(name, "Олег Петров", $"{name}@example.org", ["manager"], "training", "214",
            "Europe/Moscow", new TimeOnly(9, 0), new TimeOnly(18, 0), [1, 2, 3, 4, 5], true), Credentials.HashPassword(name, "demo"));
        await fixture.Node.Services.GetRequiredService<UserDirectory>().ReloadAsync();

        var page = await fixture.LoginAsync(name, "/account.html");
        await page.WaitForSelectorAsync("body[data-ready=on]");
        await Assertions.Expect(page.Locator("#profileExtension")).ToHaveTextAsync("214");
        var box = page.Locator("#mailPreference input[name=notifyByMail]");
        await Assertions.Expect(box).ToBeCheckedAsync();
        await box.UncheckAsync();
        await page.ClickAsync("#mailPreference button[type=submit]");
        await Assertions.Expect(page.Locator("#mail-preference-message")).ToContainTextAsync("Saved");

        var api = await fixture.Node.ClientAsync(name);
        Assert.Contains("\"notifyByMail\":false", await api.GetStringAsync("/api/account/mail-preference"));
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("body[data-ready=on]");
        await Assertions.Expect(box).Not.ToBeCheckedAsync();
    }

    [Fact]
    public async Task A_user_changes_their_password_and_an_admin_resets_it_deactivates_the_user_and_manages_tokens()
    {
        var name = $"u{Guid.NewGuid():N}"[..12];
        await fixture.Node.Services.GetRequiredService<UserStore>().CreateUserIfMissingAsync(new UserRecord(name, "Greta Grün", null, ["manager"], "training", null,
            "Europe/Berlin", new TimeOnly(9, 0), new TimeOnly(18, 0), [1, 2, 3, 4, 5], true), Credentials.HashPassword(name, "demo"));
        await fixture.Node.Services.GetRequiredService<UserDirectory>().ReloadAsync();
        var violations = new List<string>();

        var user = await fixture.LoginAsync(name, "/account.html");
        user.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Add(m.Text); };
        await user.WaitForSelectorAsync("body[data-ready=on]");
        Assert.True(await user.Locator("#admin").IsHiddenAsync());
        await user.FillAsync("#password input[name=currentPassword]", "demo");
        await user.FillAsync("#password input[name=newPassword]", "Grüne Wiese 2026");
        await user.ClickAsync("#password button[type=submit]");
        await Assertions.Expect(user.Locator("#password-message")).ToContainTextAsync("Password changed");

        var admin = await fixture.LoginAsync("admin", "/account.html");
        admin.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Add(m.Text); };
        await admin.WaitForSelectorAsync("body[data-ready=on]");
        var row = admin.Locator($"#users tr[data-user='{name}']");
        await row.Locator("input[type=password]").FillAsync("Neu gesetzt 2026!");
        await row.Locator("button").ClickAsync();
        await Assertions.Expect(admin.Locator("#users-message")).ToContainTextAsync($"Password of {name} reset; 1 session(s) ended");

        // The user's page is signed out on its next call.
        await user.ReloadAsync();
        await UiFixture.WaitForAddress(user, @"/login\.html");

        await admin.Locator($"#users tr[data-user='{name}'] input[type=checkbox]").UncheckAsync();
        await Assertions.Expect(admin.Locator("#users-message")).ToContainTextAsync($"{name} is now inactive");

        await admin.FillAsync("#new-token input[name=name]", "Kasse Filiale Nord");
        await admin.SelectOptionAsync("#new-token select[name=userName]", "k.weber");
        await admin.ClickAsync("#new-token button[type=submit]");
        await Assertions.Expect(admin.Locator("#token-message")).ToContainTextAsync("Token for k.weber: so_");
        var token = admin.Locator("#tokens tr", new() { HasText = "Kasse Filiale Nord" });
        await token.Locator("button").ClickAsync();
        await Assertions.Expect(admin.Locator("#token-message")).ToContainTextAsync("revoked");
        await Assertions.Expect(token).ToContainTextAsync("revoked");
        Assert.Empty(violations);
    }

    [Fact]
    public async Task The_Orleans_dashboard_still_loads_under_its_own_policy()
    {
        var page = await fixture.LoginAsync("admin", "/board.html");
        var violations = new List<string>();
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Add(m.Text); };
        var response = await page.GotoAsync("/dashboard");
        Assert.Equal(200, response!.Status);
        // It polls the silo's figures: give it a few rounds, then look for refusals and something drawn.
        await Task.Delay(3000);
        Assert.Empty(violations);
        Assert.False(string.IsNullOrWhiteSpace(await page.InnerTextAsync("body")));
    }
}
