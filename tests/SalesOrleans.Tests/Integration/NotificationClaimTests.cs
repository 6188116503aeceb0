using Npgsql;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Tests.Integration;

/// <summary>
/// The mailer's claim against notifications committed while it claims: whoever switched mail off is never handed to the
/// mailer, however the commits fall between its statements (a hog run once mailed such a person).
/// </summary>
[Trait("Category", "Integration")]
public class NotificationClaimTests
{
    [Fact]
    public async Task Notifications_committed_while_the_mailer_claims_are_never_claimed_for_someone_who_switched_mail_off()
    {
        await using var db = NpgsqlDataSource.Create(await TestDatabase.CreateAsync());
        await SchemaMigrator.MigrateAsync(db);
        await using (var users = db.CreateCommand("""
            INSERT INTO app_user (user_name, display_name, email, password_hash, roles, notify_by_mail) VALUES
                ('r.ruhig', 'Renate Ruhig', 'r.ruhig@example.de', 'x', '{manager}', false),
                ('a.laut', 'Антон Лаут', 'a.laut@example.ru', 'x', '{manager}', true)
            """))
        {
            await users.ExecuteNonQueryAsync();
        }

        var store = new NotificationStore(db);
        const int PerRecipient = 300;
        var claimed = new List<PendingMail>();
        using var done = new CancellationTokenSource();

        // The mailer claims in a tight loop while the projections commit one notification at a time for both.
        var claimer = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                claimed.AddRange(await store.ClaimDueAsync(50, TimeSpan.FromDays(1), TimeSpan.FromMinutes(10)));
            }
        });
        var inserter = Task.Run(async () =>
        {
            for (var i = 0; i < PerRecipient * 2; i++)
            {
                await using var insert = db.CreateCommand("INSERT INTO notification (source, source_id, seq, recipient, at, text) VALUES ('deal', $1, 1, $2, now(), 'New task: call back')");
                insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.NewGuid() });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = i % 2 == 0 ? "r.ruhig" : "a.laut" });
                await insert.ExecuteNonQueryAsync();
            }
        });
        await inserter;
        await done.CancelAsync();
        await claimer;
        claimed.AddRange(await store.ClaimDueAsync(1000, TimeSpan.FromDays(1), TimeSpan.FromMinutes(10)));

        Assert.DoesNotContain(claimed, m => m.Recipient == "r.ruhig");
        Assert.Equal(PerRecipient, claimed.Count(m => m.Recipient == "a.laut"));
        // Each of hers is settled as "off" (the in-app item stays), none left waiting.
        Assert.All((await store.ListMailStatusAsync("r.ruhig")).ToList(), n => Assert.Equal("off", n.Status));
        Assert.Equal(PerRecipient, (await store.ListMailStatusAsync("r.ruhig")).Count);
    }
}
