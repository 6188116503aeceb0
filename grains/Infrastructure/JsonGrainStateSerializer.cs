using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Storage;

namespace SalesOrleans.Infrastructure;

/// <summary>
/// Grain state as plain System.Text.Json: no CLR type names in stored rows, so state classes can be moved or
/// renamed without breaking stored data (the provider's default Newtonsoft serializer writes $type).
/// </summary>
public sealed class JsonGrainStateSerializer : IGrainStorageSerializer
{
    public static readonly JsonGrainStateSerializer Instance = new();

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public BinaryData Serialize<T>(T? input) => BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(input, Options));

    public T Deserialize<T>(BinaryData input) => JsonSerializer.Deserialize<T>(input.ToMemory().Span, Options)!;
}
