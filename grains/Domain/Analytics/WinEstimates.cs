namespace SalesOrleans.Domain.Analytics;

/// <summary>Which win probability a deal shows: the model's stored score while it is current, else the stage probability.</summary>
public static class WinEstimates
{
    public const string Model = "model";
    public const string Stage = "stage";

    /// <summary>
    /// The stored score counts only when the model learned it (not its own stage fallback) and it was made after the
    /// deal entered its current stage: a score from the stage before describes a deal that no longer exists.
    /// Closed deals show no estimate beyond their stage's (1 for won, 0 for lost by definition of the process).
    /// </summary>
    public static WinEstimate For(string status, double stageProbability, DateTimeOffset stageEnteredAt,
        double? score, string? source, DateTimeOffset? scoredAt, DateOnly? expectedClose)
    {
        if (status == "Open" && score is { } p && source == Model && scoredAt is { } at && at >= stageEnteredAt)
        {
            return new WinEstimate(p, Model, at, expectedClose);
        }

        return new WinEstimate(stageProbability, Stage, null, status == "Open" ? expectedClose : null);
    }
}
