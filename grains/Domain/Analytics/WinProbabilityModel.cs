namespace SalesOrleans.Domain.Analytics;

/// <summary>What is known about a deal at a stage: the features the model sees, the same for training and scoring.</summary>
public sealed record WinFeatures(string Process, string Stage, string Department, double HoursInStage, double HoursSinceActivity, decimal Amount);

/// <summary>A stage visit of a closed deal: its features when it left the stage, whether the deal was won, and when it closed.</summary>
public sealed record WinSample(WinFeatures Features, bool Won, double HoursToClose);

/// <summary>A stage's median hours of closed visits, and the median hours won deals took from entering it to the close.</summary>
public sealed record StageNorm(double MedianHours, double? MedianHoursToClose);

public sealed record BrierScore(int Samples, double Model, double StageBaseline);

/// <summary>
/// Win probability learned from closed deals: a hierarchy of Beta-Binomial estimates, each level shrunk to the
/// level above it — the stage's own probability, then the stage's history, then time in stage against the stage's
/// norm, activity recency, department and amount. A cell with little history stays close to its parent, so with
/// no history at all the answer is exactly the stage probability.
/// </summary>
public sealed class WinProbabilityModel
{
    /// <summary>Pseudo-observations each level's prior is worth; small enough that a few hundred deals dominate.</summary>
    public const double PriorStrength = 8;

    /// <summary>Below this many closed visits of a process the model answers with the stage probability.</summary>
    public const int MinHistory = 50;

    private const double DefaultHoursToClose = 30 * 24;

    private readonly Func<string, string, double> _stageProbability;
    private readonly Dictionary<CellKey, Cell> _cells = [];
    private readonly Dictionary<(string Process, string Stage), double> _norms;
    private readonly Dictionary<(string Process, string Stage), double> _hoursToClose;
    private readonly Dictionary<string, int> _history;

    private WinProbabilityModel(Func<string, string, double> stageProbability, Dictionary<(string, string), double> norms,
        Dictionary<(string, string), double> hoursToClose, Dictionary<string, int> history)
    {
        _stageProbability = stageProbability;
        _norms = norms;
        _hoursToClose = hoursToClose;
        _history = history;
    }

    public int Samples => _history.Values.Sum();

    /// <summary>Learns from closed visits; <paramref name="stageProbability"/> gives (process, stage) → the process's probability.</summary>
    public static WinProbabilityModel Train(IReadOnlyCollection<WinSample> samples, Func<string, string, double> stageProbability) =>
        TrainAsync(() => samples.ToAsyncEnumerable(), stageProbability).AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Learns in two passes over <paramref name="samples"/> (stage norms first, then the counts), so closed deals
    /// are streamed twice rather than held; only per-stage durations are kept for the medians.
    /// </summary>
    public static async ValueTask<WinProbabilityModel> TrainAsync(Func<IAsyncEnumerable<WinSample>> samples,
        Func<string, string, double> stageProbability, CancellationToken ct = default)
    {
        var durations = new Dictionary<(string, string), List<double>>();
        var toClose = new Dictionary<(string, string), List<double>>();
        await foreach (var s in samples().WithCancellation(ct))
        {
            var key = StageKey(s.Features);
            List(durations, key).Add(s.Features.HoursInStage);
            if (s.Won)
            {
                // Hours from entering the stage to the close, for the expected close date of open deals.
                List(toClose, key).Add(s.HoursToClose + s.Features.HoursInStage);
            }
        }

        var norms = durations.ToDictionary(d => d.Key,
            d => new StageNorm(Median(d.Value), toClose.TryGetValue(d.Key, out var c) ? Median(c) : null));
        return await TrainAsync(samples(), stageProbability, norms, ct);
    }

    /// <summary>Learns in one pass when the stage norms are known already (the read model computes them with SQL).</summary>
    public static async ValueTask<WinProbabilityModel> TrainAsync(IAsyncEnumerable<WinSample> samples,
        Func<string, string, double> stageProbability, IReadOnlyDictionary<(string Process, string Stage), StageNorm> norms,
        CancellationToken ct = default)
    {
        var model = new WinProbabilityModel(stageProbability,
            norms.ToDictionary(n => n.Key, n => n.Value.MedianHours),
            norms.Where(n => n.Value.MedianHoursToClose is not null).ToDictionary(n => n.Key, n => n.Value.MedianHoursToClose!.Value),
            new Dictionary<string, int>(StringComparer.Ordinal));
        await foreach (var s in samples.WithCancellation(ct))
        {
            model._history[s.Features.Process] = model._history.GetValueOrDefault(s.Features.Process) + 1;
            for (var level = 0; level < Levels; level++)
            {
                var key = model.Key(s.Features, level);
                var cell = model._cells.TryGetValue(key, out var c) ? c : model._cells[key] = new Cell();
                cell.N++;
                cell.Won += s.Won ? 1 : 0;
            }
        }

        return model;
    }

    /// <summary>The stage's median time of closed visits (its norm), or null when it has no history.</summary>
    public double? StageNormHours(string process, string stage) =>
        _norms.TryGetValue((process, stage), out var n) ? n : null;

    /// <summary>Whether the process has enough closed history for the model to speak; otherwise it answers the stage probability.</summary>
    public bool Learned(string process) => _history.GetValueOrDefault(process) >= MinHistory;

    public double Predict(WinFeatures f)
    {
        var p = Math.Clamp(_stageProbability(f.Process, f.Stage), 0, 1);
        if (_history.GetValueOrDefault(f.Process) < MinHistory)
        {
            return p;
        }

        for (var level = 0; level < Levels; level++)
        {
            if (!_cells.TryGetValue(Key(f, level), out var cell))
            {
                break;
            }

            p = (cell.Won + PriorStrength * p) / (cell.N + PriorStrength);
        }

        return p;
    }

    /// <summary>When an open deal is expected to close: the median time won deals took from entering this stage, at least what it has already spent.</summary>
    public DateOnly ExpectedClose(WinFeatures f, DateTimeOffset now)
    {
        var total = _hoursToClose.TryGetValue(StageKey(f), out var h) ? h : DefaultHoursToClose;
        var remaining = Math.Max(0, total - f.HoursInStage);
        return DateOnly.FromDateTime(now.UtcDateTime.AddHours(remaining));
    }

    /// <summary>Brier score (mean squared error of the probability against the outcome) of this model and of the stage probability.</summary>
    public BrierScore Score(IEnumerable<WinSample> heldOut) => ScoreAsync(heldOut.ToAsyncEnumerable()).AsTask().GetAwaiter().GetResult();

    public async ValueTask<BrierScore> ScoreAsync(IAsyncEnumerable<WinSample> heldOut, CancellationToken ct = default)
    {
        double model = 0, baseline = 0;
        var n = 0;
        await foreach (var s in heldOut.WithCancellation(ct))
        {
            var y = s.Won ? 1.0 : 0.0;
            model += Math.Pow(Predict(s.Features) - y, 2);
            baseline += Math.Pow(Math.Clamp(_stageProbability(s.Features.Process, s.Features.Stage), 0, 1) - y, 2);
            n++;
        }

        return n == 0 ? new BrierScore(0, 0, 0) : new BrierScore(n, model / n, baseline / n);
    }

    /// <summary>Held out by deal, not by visit, so no deal's outcome is both learned and scored; about one deal in five.</summary>
    public static bool IsHeldOut(Guid dealId) => (dealId.GetHashCode() & 0x7fffffff) % 5 == 0;

    private const int Levels = 5;

    // Coarse to fine: each level's key extends the one before, so a rare combination inherits its parent's estimate.
    // A struct key, not a string: training makes five lookups for each of millions of visits.
    private CellKey Key(WinFeatures f, int level)
    {
        var stage = StageKey(f);
        var time = level < 1 ? -1 : _norms.TryGetValue(stage, out var n) && n > 0 ? TimeBucket(f.HoursInStage / n) : 9;
        return new CellKey(f.Process, f.Stage, level, time, level < 2 ? -1 : RecencyBucket(f.HoursSinceActivity),
            level < 3 ? null : f.Department, level < 4 ? -1 : AmountBucket(f.Amount));
    }

    private static (string, string) StageKey(WinFeatures f) => (f.Process, f.Stage);

    private static int TimeBucket(double ratio) => ratio switch { < 0.5 => 0, < 1 => 1, < 2 => 2, < 4 => 3, _ => 4 };

    private static int RecencyBucket(double hours) => hours switch { < 24 => 0, < 72 => 1, < 168 => 2, < 720 => 3, _ => 4 };

    private static int AmountBucket(decimal amount) => amount <= 0 ? 0 : Math.Min(8, (int)Math.Log10((double)amount));

    private static List<double> List(Dictionary<(string, string), List<double>> d, (string, string) key) =>
        d.TryGetValue(key, out var l) ? l : d[key] = [];

    private static double Median(List<double> values)
    {
        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    private readonly record struct CellKey(string Process, string Stage, int Level, int Time, int Recency, string? Department, int Amount);

    private sealed class Cell
    {
        public int N;
        public int Won;
    }
}
