using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Logging;
using Npgsql;
using SalesOrleans.Domain;

namespace SalesOrleans.Web.Api;

/// <summary>
/// Input hygiene at the boundary, for every endpoint at once (no handler has to remember it): text that holds a
/// character PostgreSQL or people cannot use (<see cref="TextHygiene"/>: NUL, other C0 controls, DEL, lone
/// surrogates, text that is not UTF-8) and numbers or dates outside what the database columns hold
/// (<see cref="ColumnRanges"/>) are refused with a 400 naming the field, before the endpoint runs, so nothing is written.
/// <para>
/// The rule for line breaks: values people type may span lines (notes, task results, addresses, the web form's
/// message), so JSON string values and form fields may hold tab, CR and LF. Names and lookups may not: JSON property
/// names (deal parameter keys), form field names, file names, query strings and route values allow tab but no CR/LF.
/// </para>
/// <para>
/// Where: one middleware checks query strings, route values, forms and JSON bodies (the raw body, so endpoints that
/// read JSON themselves, like the telephony webhook, are covered too; paths as <c>lines[0].name</c>); converters in
/// the API's JSON options range-check numbers and dates as they are bound; typed query and route parameters
/// (analytics <c>from</c>/<c>to</c>) are range-checked from the endpoint's parameter metadata. A safety net turns a
/// data error the database still raises into a 400 instead of a 500.
/// </para>
/// </summary>
public static class InputHygiene
{
    public static IServiceCollection AddSalesInputHygiene(this IServiceCollection services)
    {
        services.AddExceptionHandler<RefusedValueExceptionHandler>();
        services.ConfigureHttpJsonOptions(o => AddConverters(o.SerializerOptions));
        return services;
    }

    /// <summary>The range-checking converters (numbers and dates the database columns hold).</summary>
    public static void AddConverters(JsonSerializerOptions options)
    {
        options.Converters.Add(new RangedDecimalConverter());
        options.Converters.Add(new RangedDoubleConverter());
        options.Converters.Add(new RangedDateTimeOffsetConverter());
        options.Converters.Add(new RangedDateTimeConverter());
        options.Converters.Add(new RangedDateOnlyConverter());
    }

    /// <summary>Runs after authentication, authorization and the CSRF check (so they still answer 401/403 first) and before the endpoint.</summary>
    public static IApplicationBuilder UseSalesInputHygiene(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.GetEndpoint() is { } endpoint && await FirstProblemAsync(http, endpoint) is { } problem)
        {
            await Problems.Invalid(problem.Field, problem.Message).ExecuteAsync(http);
            return;
        }

        await next(http);
    });

    public readonly record struct Problem(string Field, string Message);

    private static async Task<Problem?> FirstProblemAsync(HttpContext http, Endpoint endpoint)
    {
        foreach (var (key, values) in http.Request.Query)
        {
            if (Text(key, key, multiline: false) is { } badKey)
            {
                return badKey;
            }

            foreach (var value in values)
            {
                if (Text(key, value, multiline: false) is { } bad)
                {
                    return bad;
                }
            }
        }

        foreach (var (key, value) in http.Request.RouteValues)
        {
            if (value is string text && Text(key, text, multiline: false) is { } bad)
            {
                return bad;
            }
        }

        if (TypedParameters(http, endpoint) is { } typed)
        {
            return typed;
        }

        if (http.Request.HasFormContentType)
        {
            return await FormAsync(http);
        }

        if (IsJson(http.Request.ContentType))
        {
            return await JsonBodyAsync(http);
        }

        return null;
    }

    private static Problem? Text(string field, string? text, bool multiline)
    {
        var at = TextHygiene.FirstForbidden(text, multiline);
        return at < 0 ? null : new Problem(field, $"'{field}' holds a character that is not allowed here (U+{(int)text![at]:X4} at position {at}).");
    }

    /// <summary>Query and route parameters the endpoint binds as dates or numbers: within what the columns hold.</summary>
    private static Problem? TypedParameters(HttpContext http, Endpoint endpoint)
    {
        foreach (var (name, type) in RangedParameters.GetValue(endpoint, e => BoundParameters(e)
                     .Select(p => (p.Name, Type: Nullable.GetUnderlyingType(p.Type) ?? p.Type)).Where(p => IsRangedType(p.Type)).ToArray()))
        {
            // The key as the caller wrote it ("from"), not the property it binds to ("From").
            var key = http.Request.Query.Keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)) ?? name;
            string? text = http.Request.Query.TryGetValue(key, out var q) ? q.ToString()
                : http.Request.RouteValues.TryGetValue(key, out var r) ? r as string
                : null;
            if (string.IsNullOrEmpty(text) || RangeProblem(key, type, text) is not { } problem)
            {
                continue;
            }

            return problem;
        }

        return null;
    }

    /// <summary>
    /// An endpoint's ranged parameters, found by reflection once per endpoint, not per request (it showed in the
    /// profile of the PBX webhook).
    /// </summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Endpoint, (string Name, Type Type)[]> RangedParameters = new();

    /// <summary>The endpoint's parameters by name and type, with the properties of an [AsParameters] record spread out.</summary>
    private static IEnumerable<(string Name, Type Type)> BoundParameters(Endpoint endpoint)
    {
        foreach (var parameter in endpoint.Metadata.GetOrderedMetadata<IParameterBindingMetadata>())
        {
            if (parameter.ParameterInfo.GetCustomAttribute<AsParametersAttribute>() is not null)
            {
                foreach (var property in parameter.ParameterInfo.ParameterType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    yield return (property.Name, property.PropertyType);
                }
            }
            else
            {
                yield return (parameter.Name, parameter.ParameterInfo.ParameterType);
            }
        }
    }

    private static bool IsRangedType(Type t) =>
        t == typeof(DateTimeOffset) || t == typeof(DateTime) || t == typeof(DateOnly) || t == typeof(decimal) || t == typeof(double) || t == typeof(float);

    /// <summary>Parses as minimal APIs do (invariant culture); text that does not parse is left to the binder's own 400.</summary>
    private static Problem? RangeProblem(string field, Type type, string text)
    {
        string? message = null;
        var c = CultureInfo.InvariantCulture;
        if (type == typeof(DateTimeOffset))
        {
            if (DateTimeOffset.TryParse(text, c, DateTimeStyles.None, out var v))
            {
                message = ColumnRanges.DateProblem(field, v.Year);
            }
            else if (LooksLikeDate(text))
            {
                message = $"'{field}' is not a date and time the database holds.";
            }
        }
        else if (type == typeof(DateTime))
        {
            if (DateTime.TryParse(text, c, DateTimeStyles.None, out var v))
            {
                message = ColumnRanges.DateProblem(field, v.Year);
            }
        }
        else if (type == typeof(DateOnly))
        {
            if (DateOnly.TryParse(text, c, DateTimeStyles.None, out var v))
            {
                message = ColumnRanges.DateProblem(field, v.Year);
            }
        }
        else if (double.TryParse(text, NumberStyles.Float | NumberStyles.AllowThousands, c, out var d))
        {
            message = ColumnRanges.NumberProblem(field, d);
        }

        return message is null ? null : new Problem(field, message);
    }

    // "0001-01-01T00:00:00+14:00" parses as no DateTimeOffset (it would be before year 1 in UTC): still a date out of range.
    private static bool LooksLikeDate(string text) => text.Length >= 10 && char.IsAsciiDigit(text[0]) && text[4] == '-';

    private static async Task<Problem?> FormAsync(HttpContext http)
    {
        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (InvalidDataException ex)
        {
            return new Problem("form", $"The form could not be read: {ex.Message}");
        }

        foreach (var (key, values) in form)
        {
            if (Text(key, key, multiline: false) is { } badKey)
            {
                return badKey;
            }

            foreach (var value in values)
            {
                if (Text(key, value, multiline: true) is { } bad)
                {
                    return bad;
                }
            }
        }

        foreach (var file in form.Files)
        {
            if ((Text(file.Name, file.Name, multiline: false) ?? Text(file.Name, file.FileName, multiline: false)) is { } bad)
            {
                return bad;
            }
        }

        return null;
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || (contentType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && contentType.Contains("+json", StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// Reads the body once into memory (it is capped by the request size limit, 1 MiB unless the endpoint says
    /// otherwise) and walks every token; the endpoint reads it again from the start.
    /// </summary>
    private static async Task<Problem?> JsonBodyAsync(HttpContext http)
    {
        http.Request.EnableBuffering();
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        http.Request.Body.Position = 0;
        return ScanJson(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>The first string in <paramref name="json"/> that is not clean text, with its path; null when all are (or the JSON is malformed: the endpoint's own reading refuses that with its own message).</summary>
    public static Problem? ScanJson(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        // One frame per open object (its current property name) or array (its current index).
        var frames = new List<(bool IsArray, int Index, string? Name)>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var name = ReadString(ref reader, out var broken);
                        frames[^1] = frames[^1] with { Name = name };
                        if (broken || TextHygiene.FirstForbidden(name, multiline: false) >= 0)
                        {
                            var parent = PathOf(frames, upTo: frames.Count - 1) is { Length: > 0 } p ? p : "body";
                            return new Problem(parent, $"A property name in '{parent}' is not valid text or holds a character that is not allowed in a name.");
                        }

                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        NextValue(frames);
                        frames.Add((reader.TokenType == JsonTokenType.StartArray, -1, null));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    case JsonTokenType.String:
                        NextValue(frames);
                        var text = ReadString(ref reader, out var invalid);
                        var at = invalid ? 0 : TextHygiene.FirstForbidden(text, multiline: true);
                        if (at >= 0)
                        {
                            var path = PathOf(frames, frames.Count);
                            var field = path.Length == 0 ? "body" : path;
                            return new Problem(field, invalid
                                ? $"'{field}' is not valid UTF-8 text (or holds a lone surrogate)."
                                : $"'{field}' holds a character that is not allowed here (U+{(int)text![at]:X4} at position {at}).");
                        }

                        break;
                    default:
                        NextValue(frames);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return null;
    }

    private static string? ReadString(ref Utf8JsonReader reader, out bool invalid)
    {
        invalid = false;
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            // Not transcodable: invalid UTF-8 or an escaped lone surrogate ("\ud800").
            invalid = true;
            return null;
        }
    }

    private static void NextValue(List<(bool IsArray, int Index, string? Name)> frames)
    {
        if (frames.Count > 0 && frames[^1].IsArray)
        {
            frames[^1] = frames[^1] with { Index = frames[^1].Index + 1 };
        }
    }

    /// <summary>"lines[0].name" for the value under the first <paramref name="upTo"/> frames' current positions.</summary>
    private static string PathOf(List<(bool IsArray, int Index, string? Name)> frames, int upTo)
    {
        var path = new System.Text.StringBuilder();
        for (var i = 0; i < Math.Min(upTo, frames.Count); i++)
        {
            var f = frames[i];
            if (f.IsArray)
            {
                path.Append('[').Append(f.Index.ToString(CultureInfo.InvariantCulture)).Append(']');
            }
            else if (f.Name is not null)
            {
                if (path.Length > 0)
                {
                    path.Append('.');
                }

                path.Append(f.Name);
            }
        }

        return path.ToString();
    }

    private static JsonException OutOfRange(string message) => new(message);

    private static bool ReadsStrings(JsonSerializerOptions options) => (options.NumberHandling & JsonNumberHandling.AllowReadingFromString) != 0;

    /// <summary>Amounts, prices, quantities: finite and at most <see cref="ColumnRanges.MaxNumber"/> in magnitude.</summary>
    private sealed class RangedDecimalConverter : JsonConverter<decimal>
    {
        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            decimal value;
            if (reader.TokenType == JsonTokenType.String && ReadsStrings(options))
            {
                if (!decimal.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value))
                {
                    throw new JsonException("The value is not a number.");
                }
            }
            else if (reader.TokenType != JsonTokenType.Number)
            {
                throw new JsonException("The value is not a number.");
            }
            else if (!reader.TryGetDecimal(out value))
            {
                throw OutOfRange($"The number is out of range (at most {ColumnRanges.MaxNumber} in magnitude).");
            }

            return ColumnRanges.NumberProblem("value", value) is null ? value
                : throw OutOfRange($"The number is out of range (at most {ColumnRanges.MaxNumber} in magnitude).");
        }

        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
    }

    private sealed class RangedDoubleConverter : JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            double value;
            if (reader.TokenType == JsonTokenType.String && ReadsStrings(options))
            {
                if (!double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value))
                {
                    throw new JsonException("The value is not a number.");
                }
            }
            else if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out value))
            {
                throw new JsonException("The value is not a number.");
            }

            return ColumnRanges.NumberProblem("value", value) is null ? value
                : throw OutOfRange($"The number is out of range (finite, at most {ColumnRanges.MaxNumber} in magnitude).");
        }

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
    }

    private sealed class RangedDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var value))
            {
                throw new JsonException("The value is not an ISO 8601 date and time the database holds.");
            }

            return ColumnRanges.DateProblem("value", value.Year) is { } problem ? throw OutOfRange(problem.Replace("'value'", "The date")) : value;
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    private sealed class RangedDateTimeConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTime(out var value))
            {
                throw new JsonException("The value is not an ISO 8601 date and time.");
            }

            return ColumnRanges.DateProblem("value", value.Year) is { } problem ? throw OutOfRange(problem.Replace("'value'", "The date")) : value;
        }

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    private sealed class RangedDateOnlyConverter : JsonConverter<DateOnly>
    {
        public override DateOnly Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String
                || !DateOnly.TryParseExact(reader.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
            {
                throw new JsonException("The value is not a date (yyyy-MM-dd).");
            }

            return ColumnRanges.DateProblem("value", value.Year) is { } problem ? throw OutOfRange(problem.Replace("'value'", "The date")) : value;
        }

        public override void Write(Utf8JsonWriter writer, DateOnly value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// The safety net behind the boundary checks: a value the database still refuses as data (SQLSTATE class 22: text it
/// cannot encode, a number that overflows its column, a date out of range), or text System.Text.Json cannot transcode
/// in an endpoint that reads JSON itself, is bad input — a 400, not a 500. Logged, since the boundary should have caught it.
/// </summary>
public sealed class RefusedValueExceptionHandler(ILogger<RefusedValueExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsRefusedValue(exception))
        {
            return false;
        }

        logger.LogWarning(exception, "A value of {Method} {Path} was refused past the boundary checks; answered 400", http.Request.Method, http.Request.Path);
        if (IsRefusedAtBind(exception))
        {
            // Npgsql can leave an auto-prepared connection out of step after the server refuses a parameter at Bind
            // ("Received unexpected backend message DataRow" for the next user of that connection): drop the idle ones.
            http.RequestServices.GetService<NpgsqlDataSource>()?.Clear();
        }

        await Problems.Invalid("body", "A value of this request cannot be stored (text with characters that are not allowed, or a number or date out of range); nothing was changed.")
            .ExecuteAsync(http);
        return true;
    }

    /// <summary>Text the server cannot take in a parameter (NUL: 22021; not representable: 22P05), refused when it binds it.</summary>
    private static bool IsRefusedAtBind(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException pg)
            {
                return pg.SqlState is PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter;
            }
        }

        return false;
    }

    public static bool IsRefusedValue(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException pg)
            {
                return pg.SqlState.StartsWith("22", StringComparison.Ordinal);
            }

            if (e is InvalidOperationException && e.TargetSite?.DeclaringType?.Assembly == typeof(JsonDocument).Assembly)
            {
                return true;
            }

            if (e is System.Text.DecoderFallbackException or System.Text.EncoderFallbackException)
            {
                return true;
            }
        }

        return false;
    }
}
