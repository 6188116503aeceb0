using System.Globalization;

namespace SalesOrleans.Domain;

/// <summary>
/// What the read model's columns hold (deploy/sql): money is numeric(18,2) (below 10^16), quantities numeric(18,3)
/// (below 10^15), times timestamptz. A value the database cannot store would stall the projection of every later
/// event of its aggregate, so values are held well inside those limits where they come in: one amount or line total
/// at most <see cref="MaxMoney"/> leaves room for sums of many lines; dates stay within <see cref="MinYear"/>..<see cref="MaxYear"/>
/// so date arithmetic (deadlines, periods, time zones) cannot overflow either.
/// </summary>
public static class ColumnRanges
{
    /// <summary>Largest single amount, price or line total (a trillion); totals of up to 1,000 such lines still fit numeric(18,2).</summary>
    public const decimal MaxMoney = 1_000_000_000_000m;

    /// <summary>Largest magnitude of any number taken from outside (JSON bodies, query strings, imported cells).</summary>
    public const decimal MaxNumber = 10_000_000_000_000m;

    public const int MinYear = 1900;

    public const int MaxYear = 2200;

    /// <summary>Why <paramref name="value"/> is no amount the database holds, or null when it is one.</summary>
    public static string? MoneyProblem(string field, decimal value) =>
        Math.Abs(value) > MaxMoney ? $"'{field}' must not exceed {MaxMoney.ToString("N0", CultureInfo.InvariantCulture)} in magnitude." : null;

    /// <summary>Why the product quantity × price is no line total the database holds, or null when it is one.</summary>
    public static string? LineTotalProblem(string field, decimal quantity, decimal price)
    {
        // Neither factor alone overflows decimal here (both are bounded at the boundary), but check before multiplying.
        if (Math.Abs(quantity) > MaxNumber || Math.Abs(price) > MaxNumber)
        {
            return $"'{field}' is too large.";
        }

        return Math.Abs(quantity * price) > MaxMoney
            ? $"'{field}': quantity × price must not exceed {MaxMoney.ToString("N0", CultureInfo.InvariantCulture)}."
            : null;
    }

    public static string? NumberProblem(string field, double value) =>
        double.IsFinite(value) && Math.Abs(value) <= (double)MaxNumber ? null : $"'{field}' must be a finite number of at most {MaxNumber.ToString("N0", CultureInfo.InvariantCulture)} in magnitude.";

    public static string? NumberProblem(string field, decimal value) =>
        Math.Abs(value) <= MaxNumber ? null : $"'{field}' must be at most {MaxNumber.ToString("N0", CultureInfo.InvariantCulture)} in magnitude.";

    public static string? DateProblem(string field, int year) =>
        year is >= MinYear and <= MaxYear ? null : $"'{field}' must lie between the years {MinYear} and {MaxYear}.";
}
