namespace SalesOrleans.Domain;

/// <summary>
/// A state that says whether work is left to do after its write (a follow-up the grain owes). The group-commit storage
/// keeps it in a column written with the state, so a sweep finds grains a dead node left owing work.
/// </summary>
public interface IWorkDue
{
    bool WorkDue { get; }
}
