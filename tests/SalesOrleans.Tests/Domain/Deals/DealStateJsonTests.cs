using SalesOrleans.Deals;
using SalesOrleans.Domain.Deals;
using SalesOrleans.Infrastructure;

namespace SalesOrleans.Tests.Domain.Deals;

/// <summary>Issue 12: the deal's state goes through source-generated JSON, byte for byte what the reflection path wrote.</summary>
[Trait("Category", "Unit")]
public class DealStateJsonTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 9, 30, 0, 123, TimeSpan.Zero);

    [Fact]
    public void The_generated_serializer_writes_the_same_bytes_and_reads_them_back()
    {
        var state = new DealGrainState { Deal = Sample(), ReminderDueAt = T0.AddHours(8) };

        var generated = JsonGrainStateSerializer.Instance.Serialize(state).ToArray();
        var reflected = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(state, JsonGrainStateSerializer.Options);

        Assert.Equal(System.Text.Encoding.UTF8.GetString(reflected), System.Text.Encoding.UTF8.GetString(generated));
        var back = JsonGrainStateSerializer.Instance.Deserialize<DealGrainState>(new BinaryData(reflected));
        Assert.Equal(reflected, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(back, JsonGrainStateSerializer.Options));
        Assert.Equal(state.Deal.Tasks.Select(t => (t.Id, t.Status, t.OverdueAt, t.UpdatedSeq)), back.Deal.Tasks.Select(t => (t.Id, t.Status, t.OverdueAt, t.UpdatedSeq)));
        Assert.Equal(state.Deal.Outbox, back.Deal.Outbox);
        Assert.Equal(state.Deal.Lines, back.Deal.Lines);
        Assert.Equal(state.Deal.Order, back.Deal.Order);
        Assert.Equal(state.ReminderDueAt, back.ReminderDueAt);
        Assert.Equal("Gießerei", back.Deal.Parameters["industry"]);
        Assert.DoesNotContain("workDue", System.Text.Encoding.UTF8.GetString(generated));
    }

    private static DealState Sample() => new()
    {
        Id = Guid.Parse("6f1c9a52-3c44-4d0e-9f07-2b1f4e0d8a11"),
        Title = "Пресс «Север» — Linie 2",
        ProcessKind = "industrial-equipment",
        ProcessVersion = 3,
        Company = "Сибирь ООО",
        CompanyId = Guid.Parse("0d7d8f0e-93a4-4a57-9a31-0b3c3b7a0c01"),
        Owner = "i.petrov",
        Department = "industrial",
        Amount = 125_000.50m,
        Lines = [new DealLine("PR-200", "Presse", 2, 50_000m, 5), new DealLine("SV-1", null, 1, 30_000m)],
        Parameters = new(StringComparer.OrdinalIgnoreCase) { ["industry"] = "Gießerei", ["equipmentType"] = "press" },
        Stage = "offer",
        StageEnteredAt = T0,
        StageVisit = 2,
        ExpectedCloseDate = new DateOnly(2027, 3, 31),
        CreatedAt = T0.AddDays(-3),
        CreatedBy = "m.sokolova",
        Tasks =
        [
            new DealTask { Id = "t1", TemplateId = "qualify", Stage = "lead", StageVisit = 1, Title = "Qualify", Executor = "i.petrov", CreatedAt = T0.AddDays(-3), Deadline = T0.AddDays(-2), Status = DealTaskStatus.Done, Result = "ok", CompletedAt = T0.AddDays(-2), CompletedBy = "i.petrov", UpdatedSeq = 4 },
            new DealTask { Id = "t2", TemplateId = "offer", Stage = "offer", StageVisit = 2, Title = "Angebot schreiben", Executor = "k.weber", CreatedAt = T0, Deadline = T0.AddHours(8), OverdueAt = T0.AddHours(9), EscalationDueAt = T0.AddHours(16), UpdatedSeq = 7 },
        ],
        Documents = [new DealDocument { Id = Guid.Parse("a3f0c2a1-1111-4a57-9a31-0b3c3b7a0c02"), Kind = "offer", FileName = "offer.pdf", ContentType = "application/pdf", Size = 12345, Stage = "offer", StageVisit = 2, AttachedAt = T0, AttachedBy = "k.weber" }],
        StageHistory = [new StageVisitRecord("lead", 1, T0.AddDays(-3), T0, "m.sokolova"), new StageVisitRecord("offer", 2, T0, null, "i.petrov")],
        Environment = [new EnvironmentParty("p1", PartyKind.Competitor, "Konkurrent AG", null, EnvironmentParty.Customer, "competes with", 3, "günstiger")],
        NextPartyNumber = 2,
        NextTaskNumber = 3,
        Seq = 7,
        RecentLogKeys = ["call:1"],
        Outbox = [new DealActivity(6, T0, "i.petrov", ActivityKind.StageChanged, "offer", "Moved to offer", Subject: "offer"), new DealActivity(7, T0, "system", ActivityKind.TaskCreated, "offer", "Task created", "t2")],
        Order = new DealOrderInfo(Guid.Parse("b3f0c2a1-2222-4a57-9a31-0b3c3b7a0c03"), "Approved", 120_000m, 40, new DateOnly(2027, 2, 1)),
        SubProcesses = [new SubProcessLink { ChildId = Guid.Parse("c3f0c2a1-3333-4a57-9a31-0b3c3b7a0c04"), Kind = "training", Stage = "offer", StageVisit = 2, Owner = "l.braun", Title = "Schulung", Status = SubProcessStatus.Lost, Reason = "budget", StartedAt = T0, ClosedAt = T0.AddHours(2) }],
    };
}
