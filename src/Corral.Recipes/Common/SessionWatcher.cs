using Corral.Client;

namespace Corral.Recipes;

/// <summary>
/// Follows a client's connection state for a recipe: <see cref="Suspended"/> when the connection
/// breaks (the session may survive: recipes keep waiting), <see cref="Reconnected"/> when it is
/// back, and <see cref="Lost"/> (a token) once the session has expired or the client was closed.
/// </summary>
public sealed class SessionWatcher : IDisposable
{
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();

    public SessionWatcher(CorralClient client)
    {
        if (client.State is ConnectionState.Expired or ConnectionState.Closed or ConnectionState.AuthFailed) _lost.Cancel();
        else _ = FollowAsync(client.WatchConnectionStateAsync(_stop.Token));
    }

    /// <summary>Cancelled when the session is over for good.</summary>
    public CancellationToken Lost => _lost.Token;

    public event Action? Suspended;
    public event Action? Reconnected;

    private async Task FollowAsync(IAsyncEnumerable<ConnectionState> states)
    {
        try
        {
            await foreach (var s in states.ConfigureAwait(false))
            {
                switch (s)
                {
                    case ConnectionState.Disconnected: Suspended?.Invoke(); break;
                    case ConnectionState.Connected: Reconnected?.Invoke(); break;
                    case ConnectionState.Expired or ConnectionState.Closed or ConnectionState.AuthFailed:
                        _lost.Cancel();
                        return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
