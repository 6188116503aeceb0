namespace SalesOrleans.Deals;

/// <summary>Configuration section "Deals".</summary>
public sealed class DealOptions
{
    public const string Section = "Deals";

    /// <summary>
    /// True: a command is answered once its state, outbox and journal are durable (one group-committed write), and its
    /// events reach the read model, the managers' workloads and the live push right after, from the grain (the read
    /// model follows within milliseconds; commands in flight on one deal are coalesced into one publication). False
    /// (the default): the answer also waits for the read model, so lists read right after a reply show it.
    /// </summary>
    public bool ReplyBeforeProjection { get; set; }

    /// <summary>How often each node looks for sleeping grains whose wake time has come (DueWakeSweeper); bounds how late a sleeping deal's overdue task is flagged.</summary>
    public TimeSpan WakeSweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Grains claimed per query; a full batch is followed by the next at once.</summary>
    public int WakeSweepBatch { get; set; } = 1000;
}
