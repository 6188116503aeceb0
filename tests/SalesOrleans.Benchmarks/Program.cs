using SalesOrleans.Benchmarks;

// deploy/bench-stock.sh passes its own options (--connection …): the stock reservation benchmark.
if (args.FirstOrDefault()?.StartsWith("--", StringComparison.Ordinal) == true)
{
    await StockBenchmark.RunAsync(args);
    return;
}

// The live benchmark's clients in a process of their own (LiveClientProcess starts it).
if (args.FirstOrDefault() == "live-clients")
{
    await LiveClients.RunProcessAsync(args[1..]);
    return;
}

// Usage: SalesOrleans.Benchmarks <connection string> deals [seconds per run] [--no-projection]
//        SalesOrleans.Benchmarks <connection string> deadlines [deals] [due] [active] [window seconds] [--nodes N]
//        SalesOrleans.Benchmarks <connection string> live [seconds per rate] [--clients-apart] [--nodes N]
//        SalesOrleans.Benchmarks <connection string> analytics [closed deals] [open deals]
//        SalesOrleans.Benchmarks <connection string> soak [minutes] [seconds per window]
//        SalesOrleans.Benchmarks <connection string> calls [seconds per row]
var connectionString = args.ElementAtOrDefault(0)
    ?? throw new ArgumentException("Pass the PostgreSQL connection string (deploy/bench.sh does).");
var rest = args.Skip(2).ToArray();
switch (args.ElementAtOrDefault(1) ?? "deals")
{
    case "deals":
        await DealCommandBenchmark.RunAsync(connectionString, rest);
        break;
    case "live":
        await LiveBenchmark.RunAsync(connectionString, rest);
        break;
    case "analytics":
        await AnalyticsBenchmark.RunAsync(connectionString, rest);
        break;
    case "calls":
        await CallWebhookBenchmark.RunAsync(connectionString, rest);
        break;
    case "deadlines":
        await DeadlineBenchmark.RunAsync(connectionString, rest);
        break;
    case "soak":
        await SoakBenchmark.RunAsync(connectionString, rest);
        break;
    default:
        throw new ArgumentException($"Unknown benchmark '{args[1]}': use deals, deadlines, live, analytics, soak or calls.");
}
