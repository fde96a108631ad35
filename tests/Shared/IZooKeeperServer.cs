namespace Corral.Tests.Shared;

/// <summary>
/// A running server a suite talks to: Apache ZooKeeper 3.8 or Corral. Suites are written once
/// against this interface and run once per server (one sealed test class per fixture).
/// </summary>
public interface IZooKeeperServer
{
    string Name { get; }
    string Host => "127.0.0.1";
    int Port { get; }
    string ConnectionString => $"{Host}:{Port}";
    /// <summary>True for Apache ZooKeeper 3.8, whose replies differ from 3.9 in a few documented places.</summary>
    bool Is38 { get; }
    /// <summary>Sends a four-letter word and returns the whole answer ("" if the server did not answer in time).</summary>
    Task<string> FourLetterWordAsync(string word);
}

/// <summary>Waiting on conditions with deadlines (never fixed sleeps).</summary>
public static class Wait
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(20);

    /// <summary>Polls <paramref name="condition"/> until it holds or the deadline passes.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Default);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }

    public static Task<T> Within<T>(this Task<T> task, TimeSpan? timeout = null) => task.WaitAsync(timeout ?? Default);
    public static Task Within(this Task task, TimeSpan? timeout = null) => task.WaitAsync(timeout ?? Default);
}
