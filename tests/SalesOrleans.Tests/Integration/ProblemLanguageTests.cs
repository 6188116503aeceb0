using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SalesOrleans.Tests.Integration;

/// <summary>Refusals in the caller's language: the person's own setting first, else the browser's, else English.</summary>
[Trait("Category", "Integration")]
[Collection(LeadNodeCollection.Name)]
public class ProblemLanguageTests(LeadNodeFixture fixture)
{
    private static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement;
    }

    private static object DealWithoutTitle => new { processKind = "training-sales", title = "", company = "ООО «Уралмаш»", amount = 1200 };

    [Fact]
    public async Task A_Russian_user_gets_a_Russian_400_a_German_user_a_German_one_and_English_stays_the_default()
    {
        var ivan = await fixture.Node.ClientAsync("i.petrov");
        var klaus = await fixture.Node.ClientAsync("k.weber");
        Assert.True((await ivan.PutAsJsonAsync("/api/account/language", new { language = "ru" })).IsSuccessStatusCode);
        Assert.True((await klaus.PutAsJsonAsync("/api/account/language", new { language = "de" })).IsSuccessStatusCode);
        try
        {
            var russian = await Problem(await ivan.PostAsJsonAsync("/api/deals", DealWithoutTitle), HttpStatusCode.BadRequest);
            Assert.Equal("Неверные данные", russian.GetProperty("title").GetString());
            Assert.Equal("Поле «title» обязательно.", russian.GetProperty("detail").GetString());
            // The field keys stay as they are: the pages find the input by them.
            Assert.Equal("Поле «title» обязательно.", russian.GetProperty("errors").GetProperty("title")[0].GetString());

            var german = await Problem(await klaus.PostAsJsonAsync("/api/deals", DealWithoutTitle), HttpStatusCode.BadRequest);
            Assert.Equal(("Ungültige Eingabe", "Das Feld „title“ ist erforderlich."), (german.GetProperty("title").GetString(), german.GetProperty("detail").GetString()));

            // A body that is not JSON is said in the person's language too.
            var broken = await klaus.PostAsync("/api/deals", new StringContent("{\"title\": ", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal("Ungültige Eingabe", (await Problem(broken, HttpStatusCode.BadRequest)).GetProperty("title").GetString());

            // An access refusal: a manager may not read the mail quarantine.
            var refused = await ivan.GetAsync("/api/mail/quarantine");
            var forbidden = await Problem(refused, refused.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("Доступ запрещён", forbidden.GetProperty("title").GetString());
            Assert.StartsWith("Ваша роль не позволяет", forbidden.GetProperty("detail").GetString());
        }
        finally
        {
            await ivan.PutAsJsonAsync("/api/account/language", new { language = "" });
            await klaus.PutAsJsonAsync("/api/account/language", new { language = "" });
        }

        // No setting: the browser's language; none of ours: English.
        var english = await Problem(await ivan.PostAsJsonAsync("/api/deals", DealWithoutTitle), HttpStatusCode.BadRequest);
        Assert.Equal(("Invalid input", "'title' is required."), (english.GetProperty("title").GetString(), english.GetProperty("detail").GetString()));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/deals") { Content = JsonContent.Create(DealWithoutTitle) };
        request.Headers.AcceptLanguage.ParseAdd("fr-FR, de-AT;q=0.8");
        var browser = await Problem(await klaus.SendAsync(request), HttpStatusCode.BadRequest);
        Assert.Equal("Das Feld „title“ ist erforderlich.", browser.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_refused_move_is_explained_in_Russian_with_the_stage_and_the_reasons()
    {
        var ivan = await fixture.Node.ClientAsync("i.petrov");
        Assert.True((await ivan.PutAsJsonAsync("/api/account/language", new { language = "ru" })).IsSuccessStatusCode);
        try
        {
            var created = await ivan.PostAsJsonAsync("/api/deals", new { processKind = "training-sales", title = "Обучение 1С: Бухгалтерия, 8 человек", company = "ООО «Уралмаш»", amount = 96000 });
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
            var deal = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
            var id = deal.GetProperty("id").GetString();
            var stage = deal.GetProperty("stageName").GetString();

            var jump = await ivan.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "won" });
            var refused = JsonDocument.Parse(await jump.Content.ReadAsStringAsync()).RootElement;
            Assert.False(jump.IsSuccessStatusCode);
            Assert.Equal("Такой переход не разрешён", refused.GetProperty("title").GetString());
            Assert.StartsWith($"С этапа «{stage}» нельзя перейти на «won»", refused.GetProperty("detail").GetString());

            var lost = await ivan.PostAsJsonAsync($"/api/deals/{id}/moves", new { toStage = "lost", lostReason = "дорого" });
            var reason = JsonDocument.Parse(await lost.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(HttpStatusCode.BadRequest, lost.StatusCode);
            Assert.StartsWith("Неизвестная причина проигрыша «дорого»: укажите одну из ", reason.GetProperty("detail").GetString());

            // Nothing moved.
            var after = JsonDocument.Parse(await ivan.GetStringAsync($"/api/deals/{id}")).RootElement;
            Assert.Equal(stage, after.GetProperty("stageName").GetString());
        }
        finally
        {
            await ivan.PutAsJsonAsync("/api/account/language", new { language = "" });
        }
    }
}
