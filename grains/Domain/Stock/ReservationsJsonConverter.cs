using System.Text.Json;
using System.Text.Json.Serialization;

namespace SalesOrleans.Domain.Stock;

/// <summary>
/// Stores a stock item's reservations compactly: one JSON array per reservation,
/// <c>[id, order, line, quantity, [batch, quantity, …], shipped, released, createdAtMs, closedAtMs, updatedSeq]</c>,
/// times as Unix milliseconds. A hot SKU holds thousands of reservations and its whole state is written on every flush,
/// so this is about a third of the size of the plain object form (and as much less to serialize, compress and log).
/// </summary>
public sealed class ReservationsJsonConverter : JsonConverter<Dictionary<string, StockReservation>>
{
    public override Dictionary<string, StockReservation> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var result = new Dictionary<string, StockReservation>(StringComparer.Ordinal);
        Expect(ref reader, JsonTokenType.StartArray);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            Expect(ref reader, JsonTokenType.StartArray);
            var id = NextString(ref reader)!;
            var order = NextString(ref reader)!;
            reader.Read();
            int? line = reader.TokenType == JsonTokenType.Null ? null : reader.GetInt32();
            var quantity = NextDecimal(ref reader);
            reader.Read();
            Expect(ref reader, JsonTokenType.StartArray);
            var batches = new List<BatchQuantity>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var batch = reader.GetString()!;
                batches.Add(new BatchQuantity(batch, NextDecimal(ref reader)));
            }

            var shipped = NextDecimal(ref reader);
            var released = NextDecimal(ref reader);
            reader.Read();
            var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64());
            reader.Read();
            DateTimeOffset? closedAt = reader.TokenType == JsonTokenType.Null ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64());
            reader.Read();
            var updatedSeq = reader.GetInt64();
            reader.Read();
            Expect(ref reader, JsonTokenType.EndArray);
            result[id] = new StockReservation(id, order, line, quantity, batches, shipped, released, createdAt, closedAt, updatedSeq);
        }

        return result;
    }

    public override void Write(Utf8JsonWriter writer, Dictionary<string, StockReservation> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var r in value.Values)
        {
            writer.WriteStartArray();
            writer.WriteStringValue(r.Id);
            writer.WriteStringValue(r.Order);
            if (r.Line is { } line)
            {
                writer.WriteNumberValue(line);
            }
            else
            {
                writer.WriteNullValue();
            }

            writer.WriteNumberValue(r.Quantity);
            writer.WriteStartArray();
            foreach (var b in r.Batches)
            {
                writer.WriteStringValue(b.Batch);
                writer.WriteNumberValue(b.Quantity);
            }

            writer.WriteEndArray();
            writer.WriteNumberValue(r.Shipped);
            writer.WriteNumberValue(r.Released);
            writer.WriteNumberValue(r.CreatedAt.ToUnixTimeMilliseconds());
            if (r.ClosedAt is { } closed)
            {
                writer.WriteNumberValue(closed.ToUnixTimeMilliseconds());
            }
            else
            {
                writer.WriteNullValue();
            }

            writer.WriteNumberValue(r.UpdatedSeq);
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
    }

    private static string? NextString(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.GetString();
    }

    private static decimal NextDecimal(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.GetDecimal();
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (reader.TokenType != type)
        {
            throw new JsonException($"Stored reservations: expected {type}, found {reader.TokenType}.");
        }
    }
}
