namespace SalesOrleans.Tests.Support;

/// <summary>
/// Waiting on a condition instead of sleeping before an assert: asks every 100-200 ms until it holds or the time is up.
/// The one polling helper of the tests (docs/testing.md); <see cref="ApiSteps.WaitFor"/> polls an HTTP resource through it.
/// </summary>
public static class Poll
{
    /// <summary>Until <paramref name="probe"/> answers true; a <see cref="TimeoutException"/> naming <paramref name="what"/> after <paramref name="seconds"/>.</summary>
    public static async Task Until(Func<Task<bool>> probe, string what, int seconds = 15)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < until)
        {
            if (await probe())
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException(what);
    }

    /// <summary>Until <paramref name="probe"/> finds something, which it returns.</summary>
    public static Task<T> Until<T>(Func<Task<T?>> probe, string what, int seconds = 20) where T : class =>
        Found(async () => await probe() is { } found ? (true, found) : (false, default!), what, seconds);

    /// <summary>Until <paramref name="probe"/> finds a value (a JSON element, a time, a number), which it returns.</summary>
    public static Task<T> Until<T>(Func<Task<T?>> probe, string what, int seconds = 20) where T : struct =>
        Found(async () => await probe() is { } found ? (true, found) : (false, default), what, seconds);

    // The one loop behind both: nullable references and nullable values cannot share a signature.
    private static async Task<T> Found<T>(Func<Task<(bool Found, T Value)>> probe, string what, int seconds)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < until)
        {
            if (await probe() is (true, var value))
            {
                return value;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException(what);
    }
}
