namespace SalesOrleans.Domain;

/// <summary>
/// A state that says when its grain next has something to do on its own (a deadline), so a sleeping grain is woken
/// then. The group-commit storage keeps it in a column written with the state (grain_state.wake_at) and a sweep
/// wakes the grains whose time has come.
/// </summary>
public interface IWakeDue
{
    DateTimeOffset? WakeAt { get; }
}
