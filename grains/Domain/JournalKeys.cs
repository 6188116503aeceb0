namespace SalesOrleans.Domain;

/// <summary>
/// Journal lines that the system writes on behalf of something else (a call's line, an order's note on its deal, an
/// inquiry joining a deal) carry a key derived from what caused them. The aggregate keeps the latest keys it wrote,
/// so a caller that retries after a crash — its write of "done" lost, the line already there — writes nothing twice.
/// Retries come within minutes, so a bounded window of recent keys is enough.
/// </summary>
public static class JournalKeys
{
    /// <summary>How many keys an aggregate remembers.</summary>
    public const int Window = 100;

    /// <summary>True when <paramref name="key"/> is new (and now remembered); false for a key already written. No key: always new.</summary>
    public static bool Remember(List<string> keys, string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return true;
        }

        if (keys.Contains(key, StringComparer.Ordinal))
        {
            return false;
        }

        keys.Add(key);
        if (keys.Count > Window)
        {
            keys.RemoveRange(0, keys.Count - Window);
        }

        return true;
    }
}
