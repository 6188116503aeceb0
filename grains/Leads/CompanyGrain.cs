using SalesOrleans.Infrastructure;

namespace SalesOrleans.Leads;

/// <summary>A company; a group lists its divisions, a division names its group.</summary>
// Customers come and go all day: an idle one leaves memory after minutes, not the default quarter hour.
[CollectionAgeLimit(Minutes = 5)]
public sealed class CompanyGrain(
    [PersistentState("company", StorageNames.GroupCommit)] IPersistentState<CompanyState> state,
    ILeadEventSink sink,
    TimeProvider clock) : Grain, ICompanyGrain
{
    public async Task<CompanyView> Create(string name, string? inn, Guid? parentId)
    {
        if (state.State.Id != Guid.Empty)
        {
            return View();
        }

        state.State.Id = this.GetPrimaryKey();
        state.State.Name = name.Trim();
        state.State.Inn = string.IsNullOrWhiteSpace(inn) ? null : inn.Trim();
        state.State.ParentId = parentId;
        state.State.CreatedAt = clock.GetUtcNow();
        state.State.Seq++;
        await state.WriteStateAsync();
        await sink.PublishCompanyAsync(View());
        return View();
    }

    public Task<CompanyView?> Get() => Task.FromResult(state.State.Id == Guid.Empty ? null : View());

    public async Task<CompanyView> Import(ImportedCompany company)
    {
        var s = state.State;
        var created = s.Id == Guid.Empty;
        // Filled cells overwrite, empty ones leave what is there: importing the same row again writes nothing.
        var changed = created
            | Set(s.Name, company.Name, v => s.Name = v)
            | Set(s.Inn, company.Inn, v => s.Inn = v)
            | Set(s.ExternalId, company.ExternalId, v => s.ExternalId = v)
            | Set(s.Region, company.Region, v => s.Region = v)
            | Set(s.Segment, company.Segment, v => s.Segment = v)
            | Set(s.Department, company.Department, v => s.Department = v);
        if (company.ParentId is { } parent && s.ParentId != parent)
        {
            s.ParentId = parent;
            changed = true;
        }

        if (!changed)
        {
            return View();
        }

        if (created)
        {
            s.Id = this.GetPrimaryKey();
            s.CreatedAt = clock.GetUtcNow();
        }

        s.Seq++;
        await state.WriteStateAsync();
        await sink.PublishCompanyAsync(View());
        return View();
    }

    private static bool Set(string? current, string? imported, Action<string> set)
    {
        if (imported is null || imported == current)
        {
            return false;
        }

        set(imported);
        return true;
    }

    public async Task<CompanyView?> AddDivision(Guid divisionId)
    {
        if (state.State.Id == Guid.Empty)
        {
            return null;
        }

        if (!state.State.Divisions.Contains(divisionId))
        {
            state.State.Divisions.Add(divisionId);
            state.State.Seq++;
            await state.WriteStateAsync();
            await sink.PublishCompanyAsync(View());
        }

        return View();
    }

    private CompanyView View()
    {
        var s = state.State;
        return new CompanyView(s.Id, s.Name, s.Inn, s.ParentId, s.Divisions.ToList(), s.CreatedAt, s.Seq, s.ExternalId, s.Region, s.Segment, s.Department);
    }
}

public sealed class CompanyState
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    /// <summary>Tax number (ИНН) when known.</summary>
    public string? Inn { get; set; }

    public Guid? ParentId { get; set; }

    public List<Guid> Divisions { get; set; } = [];

    /// <summary>The company's id in the system it was imported from.</summary>
    public string? ExternalId { get; set; }

    public string? Region { get; set; }

    /// <summary>Customer segment (e.g. "key account", "SMB"), for lists and exports.</summary>
    public string? Segment { get; set; }

    /// <summary>The sales department that serves the company.</summary>
    public string? Department { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public long Seq { get; set; }
}
