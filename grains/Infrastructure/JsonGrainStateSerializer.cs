using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Storage;
using SalesOrleans.Deals;

namespace SalesOrleans.Infrastructure;

/// <summary>
/// Grain state as plain System.Text.Json: no CLR type names in stored rows, so state classes can be moved or
/// renamed without breaking stored data (the provider's default Newtonsoft serializer writes $type).
/// The deal's state, written on every deal command, goes through source-generated code (<see cref="GrainStateJsonContext"/>):
/// the same bytes without the reflection-driven converters (issue 12).
/// </summary>
public sealed class JsonGrainStateSerializer : IGrainStorageSerializer
{
    public static readonly JsonGrainStateSerializer Instance = new();

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public BinaryData Serialize<T>(T? input) => BinaryData.FromBytes(input is DealGrainState deal
        ? JsonSerializer.SerializeToUtf8Bytes(deal, GrainStateJsonContext.Default.DealGrainState)
        : JsonSerializer.SerializeToUtf8Bytes(input, Options));

    public T Deserialize<T>(BinaryData input) => typeof(T) == typeof(DealGrainState)
        ? (T)(object)JsonSerializer.Deserialize(input.ToMemory().Span, GrainStateJsonContext.Default.DealGrainState)!
        : JsonSerializer.Deserialize<T>(input.ToMemory().Span, Options)!;
}

/// <summary>Source-generated JSON for the hottest stored state, with the options of <see cref="JsonGrainStateSerializer.Options"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DealGrainState))]
public sealed partial class GrainStateJsonContext : JsonSerializerContext;
