namespace Corral.Recipes.Tests.Infrastructure;

/// <summary>A running server the client suite talks to (Apache ZooKeeper or Corral).</summary>
public interface IZooKeeperServer
{
    string Name { get; }
    int Port { get; }
    string Host => "127.0.0.1";
    string ConnectionString => $"{Host}:{Port}";
    /// <summary>True for Apache ZooKeeper 3.8, whose replies differ from 3.9 in a few documented places.</summary>
    bool Is38 { get; }
}

/// <summary>Small helpers shared by the tests.</summary>
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
