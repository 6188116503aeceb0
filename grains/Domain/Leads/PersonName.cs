namespace SalesOrleans.Domain.Leads;

/// <summary>A contact's one-field name split for mailing tools that want first and last name apart.</summary>
public static class PersonName
{
    /// <summary>
    /// The first word is the first name, the rest the last name ("Petra Lang" → Petra / Lang, "Anna Maria von Berg" →
    /// Anna / Maria von Berg); one word is a first name only. We store no separate fields, so this is a guess a
    /// mailing's greeting can live with.
    /// </summary>
    public static (string? First, string? Last) Split(string? name)
    {
        var parts = (name ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length switch
        {
            0 => (null, null),
            1 => (parts[0], null),
            _ => (parts[0], string.Join(' ', parts[1..])),
        };
    }
}
