using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace SalesOrleans.Domain.Processes;

/// <summary>
/// The one JSON form of a process definition: files in deploy/processes, the API's drafts and the stored versions.
/// Strict on read: an unknown member is an error, so a typo such as "wen" cannot silently drop a condition.
/// </summary>
public static class ProcessJson
{
    // Plain words for the serializer's type names in conversion errors; enums list their allowed values.
    private static readonly (string ClrName, string Words)[] PlainTypeNames =
    [
        ("System.Double", "a number"),
        ("System.Int32", "a whole number"),
        ("System.Boolean", "true or false"),
        ("System.String", "a string"),
        .. new[] { typeof(RoutingMode), typeof(StageOutcome), typeof(FieldType), typeof(ExecutorKind), typeof(GateKind), typeof(OrderLinkTrigger), typeof(StageLeaver), typeof(FieldWriter) }
            .SelectMany(t => new[] { t.Name, $"System.Nullable`1[{t.Name}]" }
                .Select(clrName => (clrName, $"{t.Name} (one of {string.Join(", ", Enum.GetNames(t).Select(JsonNamingPolicy.CamelCase.ConvertName))})"))),
    ];

    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Reads a definition; malformed JSON or missing members throw <see cref="ProcessDefinitionException"/> naming the path. Does not validate.</summary>
    public static ProcessDefinition Parse(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new ProcessDefinitionException(["$: the process definition is empty"]);
        }

        try
        {
            return JsonSerializer.Deserialize<ProcessDefinition>(json, Options)
                ?? throw new ProcessDefinitionException(["$: the process definition is null"]);
        }
        catch (JsonException ex)
        {
            throw new ProcessDefinitionException([Describe(ex)], ex);
        }
    }

    public static string Serialize(ProcessDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return JsonSerializer.Serialize(definition, Options);
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            PropertyNameCaseInsensitive = true,
            AllowTrailingCommas = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            NumberHandling = JsonNumberHandling.Strict,
            WriteIndented = true,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { DropComputedMembers, OmitEmptyLists } },
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly();
        return options;
    }

    // Computed members such as StageDefinition.IsTerminal are not data: never written, and rejected when read.
    private static void DropComputedMembers(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        for (var i = typeInfo.Properties.Count - 1; i >= 0; i--)
        {
            if (typeInfo.Properties[i].Set is null)
            {
                typeInfo.Properties.RemoveAt(i);
            }
        }
    }

    // Empty optional lists are the defaults, so leaving them out keeps stored versions short and still round-trips.
    private static void OmitEmptyLists(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var property in typeInfo.Properties.Where(p => !p.IsRequired && p.PropertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(p.PropertyType)))
        {
            property.ShouldSerialize = (_, value) => value is IEnumerable items && items.GetEnumerator().MoveNext();
        }
    }

    private static string Describe(JsonException ex)
    {
        var path = string.IsNullOrEmpty(ex.Path) ? "$" : ex.Path;
        var where = ex.LineNumber is { } line ? $"{path} (line {line + 1}, position {ex.BytePositionInLine + 1})" : path;
        return $"{where}: {Clean(ex.Message)}";
    }

    // The serializer's text repeats the path and names CLR types; keep only the part a process author can act on.
    private static string Clean(string message)
    {
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        var text = (cut >= 0 ? message[..cut] : message).Replace("SalesOrleans.Domain.Processes.", "", StringComparison.Ordinal)
            .Replace(" Consider updating its nullability annotation.", "", StringComparison.Ordinal)
            .Trim();
        foreach (var (clrName, words) in PlainTypeNames)
        {
            text = text.Replace($"converted to {clrName}.", $"converted to {words}.", StringComparison.Ordinal);
        }

        return text;
    }
}
