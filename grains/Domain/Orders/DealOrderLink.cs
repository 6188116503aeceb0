using System.Globalization;
using SalesOrleans.Domain.Processes;

namespace SalesOrleans.Domain.Orders;

/// <summary>
/// The rules of the deal–order link a process definition declares (<see cref="OrderLinkDefinition"/>): when a deal
/// makes its order, what the order's payments fill in on the deal, and which stages the order's state moves it to.
/// Pure: the grains ask, then carry the answer out.
/// </summary>
public static class DealOrderLink
{
    /// <summary>Whether a deal that just entered <paramref name="stage"/> makes its order there.</summary>
    public static bool MakesOrderAt(OrderLinkDefinition? link, string stage) => link?.CreateAt is { } at && at == stage;

    /// <summary>
    /// The deal parameters the order's payments set: the paid field with the amount paid so far, or nothing when the
    /// process names no such field, nothing is paid yet or the deal already shows that amount.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> ParametersFor(OrderLinkDefinition? link, decimal paid, IReadOnlyDictionary<string, string> current)
    {
        if (link?.PaidField is not { } field || paid <= 0)
        {
            return new Dictionary<string, string?>();
        }

        var value = paid.ToString("0.##", CultureInfo.InvariantCulture);
        return current.TryGetValue(field, out var shown) && shown == value
            ? new Dictionary<string, string?>()
            : new Dictionary<string, string?> { [field] = value };
    }

    /// <summary>
    /// The moves that bring a deal standing in <paramref name="dealStage"/> up to the order's state: through each
    /// stage whose trigger the order has reached (in trigger order), starting after the one the deal stands in; or
    /// the lost stage when the order was cancelled or rejected. Empty when the deal is already there.
    /// </summary>
    public static IReadOnlyList<(string Stage, string? LostReason)> MovesFor(OrderLinkDefinition? link, OrderStatus status, decimal paid, string dealStage)
    {
        if (link is null || status == OrderStatus.Archived)
        {
            return [];
        }

        if (status is OrderStatus.Cancelled or OrderStatus.Rejected)
        {
            return link.LostStage is null || link.LostStage == dealStage ? [] : [(link.LostStage, link.LostReason)];
        }

        var path = link.Moves
            .Where(m => Reached(m.On, status, paid))
            .OrderBy(m => m.On)
            .Select(m => m.To)
            .Distinct()
            .ToList();

        // A deal already past every stage the order has reached (moved on by hand, or an order catching up) is never
        // moved back: the order only ever carries a deal forward.
        var all = link.Moves.OrderBy(m => m.On).Select(m => m.To).Distinct().ToList();
        var at = all.IndexOf(dealStage);
        if (at >= 0 && !path.Contains(dealStage) && path.All(stage => all.IndexOf(stage) < at))
        {
            return [];
        }

        return path.Skip(path.IndexOf(dealStage) + 1).Select(stage => (stage, (string?)null)).ToList();
    }

    private static bool Reached(OrderLinkTrigger trigger, OrderStatus status, decimal paid) => trigger switch
    {
        OrderLinkTrigger.Paid => paid > 0,
        OrderLinkTrigger.Execution => status is OrderStatus.Execution or OrderStatus.Shipped or OrderStatus.Completed,
        OrderLinkTrigger.Shipped => status is OrderStatus.Shipped or OrderStatus.Completed,
        OrderLinkTrigger.Completed => status is OrderStatus.Completed,
        _ => false,
    };
}
