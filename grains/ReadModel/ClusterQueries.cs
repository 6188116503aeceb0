using Npgsql;

namespace SalesOrleans.ReadModel;

/// <summary>One silo as the membership table has it (every generation: a restarted node is a new row, its old one Dead).</summary>
public sealed record SiloEntry(
    string Address,
    int Port,
    int Generation,
    string Name,
    string Host,
    string Status,
    DateTimeOffset StartedAt,
    DateTimeOffset LastAliveAt,
    int Suspicions);

/// <summary>Orleans' membership table, read for operators: who is active, joining, suspected or dead, and since when.</summary>
public sealed class ClusterQueries(NpgsqlDataSource db)
{
    public async Task<IReadOnlyList<SiloEntry>> ListAsync(string clusterId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            SELECT address, port, generation, siloname, hostname, status, starttime, iamalivetime, suspecttimes
            FROM orleansmembershiptable WHERE deploymentid = $1
            ORDER BY starttime DESC
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
        var silos = new List<SiloEntry>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            // SuspectTimes: "silo,time|silo,time…" (silo as ip:port@generation), one entry per vote against the silo.
            var suspicions = reader.IsDBNull(8) ? 0 : reader.GetString(8).Split('|', StringSplitOptions.RemoveEmptyEntries).Length;
            silos.Add(new SiloEntry(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4),
                StatusName(reader.GetInt32(5)), reader.GetFieldValue<DateTimeOffset>(6), reader.GetFieldValue<DateTimeOffset>(7), suspicions));
        }

        return silos;
    }

    /// <summary>
    /// The name of Orleans' SiloStatus value the table stores as a number; spelled out here so the read model needs no
    /// Orleans assembly (ClusterQueriesTests checks it against the enum).
    /// </summary>
    public static string StatusName(int status) => status switch
    {
        0 => "None",
        1 => "Created",
        2 => "Joining",
        3 => "Active",
        4 => "ShuttingDown",
        5 => "Stopping",
        6 => "Dead",
        _ => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
