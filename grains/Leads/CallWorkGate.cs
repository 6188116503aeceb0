using Microsoft.Extensions.Options;

namespace SalesOrleans.Leads;

/// <summary>
/// How many calls on this node make their inquiry or settle at once. The PBX waits for each event's acknowledgement
/// (one write); the work behind it — contact, lead, assignment, the call log — can wait a moment. Bounding it keeps a
/// burst of calls from filling the node's queues ahead of the acknowledgements; the rest waits its turn in memory
/// (a crash leaves it to the call grain's recovery on activation).
/// </summary>
public sealed class CallWorkGate(IOptions<LeadOptions> options)
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.Value.CallWorkConcurrency));

    public async Task RunAsync(Func<Task> work)
    {
        await _slots.WaitAsync();
        try
        {
            await work();
        }
        finally
        {
            _slots.Release();
        }
    }
}
