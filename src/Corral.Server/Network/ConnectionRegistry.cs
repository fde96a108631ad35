using System.Collections.Concurrent;
using System.Net;

namespace Corral.Server.Network;

/// <summary>
/// The live connections (for stat, mntr and shutdown) and the per-IP count that enforces
/// maxClientCnxns. Thread-safe: connections come and go on Kestrel's threads.
/// </summary>
public sealed class ConnectionRegistry(int maxPerAddress)
{
    private readonly ConcurrentDictionary<long, ClientConnection> _connections = new();
    private readonly Dictionary<IPAddress, int> _perAddress = new();
    private long _nextId;

    private volatile bool _stopping;

    public int Count => _connections.Count;

    /// <summary>True once the server is shutting down: new connections are closed at once.</summary>
    public bool Stopping => _stopping;

    /// <summary>Refuses new connections and returns the ones still open, so shutdown can close them.</summary>
    public IReadOnlyList<ClientConnection> BeginShutdown()
    {
        _stopping = true;
        return _connections.Values.ToArray();
    }

    public IEnumerable<ClientConnection> Snapshot() => _connections.Values.OrderBy(c => c.Id).ToArray();

    public long NextId() => Interlocked.Increment(ref _nextId);

    /// <summary>Claims a slot for <paramref name="address"/>; false when maxClientCnxns (non-zero) is reached.</summary>
    public bool TryReserve(IPAddress? address)
    {
        if (address is null) return true;
        lock (_perAddress)
        {
            _perAddress.TryGetValue(address, out int n);
            if (maxPerAddress > 0 && n >= maxPerAddress) return false;
            _perAddress[address] = n + 1;
            return true;
        }
    }

    public void ReleaseReservation(IPAddress? address)
    {
        if (address is null) return;
        lock (_perAddress)
        {
            if (!_perAddress.TryGetValue(address, out int n)) return;
            if (n <= 1) _perAddress.Remove(address);
            else _perAddress[address] = n - 1;
        }
    }

    public void Add(ClientConnection connection) => _connections[connection.Id] = connection;

    public void Remove(ClientConnection connection) => _connections.TryRemove(connection.Id, out _);
}
