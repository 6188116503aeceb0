using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace SalesOrleans.Tests.Support;

/// <summary>
/// The steps the HTTP scenario tests take again and again: expect a status and read the body, wait until a resource
/// gets somewhere, attach a document to a deal, set parameters, move a deal. Used with <c>using static</c>.
/// </summary>
public static class ApiSteps
{
    /// <summary>Asserts the response's status (naming the request and the body when it is not) and returns the JSON body, or <c>default</c> when empty.</summary>
    public static async Task<JsonElement> Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {status}, got {response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement;
    }

    /// <summary>GETs <paramref name="url"/> (see <see cref="Poll"/>) until a successful answer satisfies <paramref name="done"/>, and returns that answer.</summary>
    public static async Task<JsonElement> WaitFor(HttpClient client, string url, Func<JsonElement, bool> done, int seconds = 30)
    {
        JsonElement last = default;
        try
        {
            await Poll.Until(async () =>
            {
                var response = await client.GetAsync(url);
                if (!response.IsSuccessStatusCode)
                {
                    return false;
                }

                last = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                return done(last);
            }, url, seconds);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{url} never got there in {seconds} s: {last}");
        }

        return last;
    }

    /// <summary>Uploads a small PDF of <paramref name="kind"/> (proposal, contract, invoice …) to the deal's documents.</summary>
    public static async Task Attach(HttpClient client, Guid deal, string kind) =>
        await Expect(await client.PostAsync($"/api/deals/{deal}/documents", new MultipartFormDataContent
        {
            { new StringContent(kind), "kind" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes($"%PDF-1.4 {kind}")), "file", $"{kind}.pdf" },
        }), HttpStatusCode.Created);

    /// <summary>Sets deal parameters; returns the deal.</summary>
    public static async Task<JsonElement> Set(HttpClient client, Guid deal, Dictionary<string, string> values) =>
        await Expect(await client.PostAsJsonAsync($"/api/deals/{deal}/parameters", values), HttpStatusCode.OK);

    /// <summary>Moves the deal to <paramref name="stage"/>, cancelling open tasks; returns the deal.</summary>
    public static async Task<JsonElement> Move(HttpClient client, Guid deal, string stage) =>
        await Expect(await client.PostAsJsonAsync($"/api/deals/{deal}/moves", new { toStage = stage, cancelOpenTasks = true }), HttpStatusCode.OK);

    /// <summary>The one field a 400 ProblemDetails names in its <c>errors</c>.</summary>
    public static string ErrorField(JsonElement problem) => problem.GetProperty("errors").EnumerateObject().Single().Name;

    public static decimal Dec(JsonElement e, string name) => e.GetProperty(name).GetDecimal();

    /// <summary>A string property, or null when it is JSON null.</summary>
    public static string? Str(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.String ? e.GetProperty(name).GetString() : null;
}
