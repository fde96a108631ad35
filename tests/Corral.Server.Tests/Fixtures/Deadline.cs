namespace Corral.Server.Tests.Fixtures;

/// <summary>Waits on a condition with a deadline (never a fixed sleep): polls until true or throws.</summary>
public static class Deadline
{
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var end = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition()) return;
            if (DateTime.UtcNow > end) throw new TimeoutException($"timed out after {timeout} waiting for {what}");
            await Task.Delay(25);
        }
    }

    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        WaitUntilAsync(() => Task.FromResult(condition()), timeout, what);
}
