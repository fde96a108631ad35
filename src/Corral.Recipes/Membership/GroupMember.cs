using Corral.Client;
using Corral.Protocol;

namespace Corral.Recipes.Membership;

/// <summary>A live member of a group: its chosen id, node, join order and payload.</summary>
public sealed record Member(string Id, string NodePath, long Sequence, byte[] Payload)
{
    public string PayloadAsString => System.Text.Encoding.UTF8.GetString(Payload);
}

/// <summary>
/// Membership in a group (the ZooKeeper group-membership recipe): joining creates a protected
/// ephemeral-sequential node "&lt;id&gt;-&lt;sequence&gt;" under <c>groupPath</c> holding the payload;
/// the member is listed exactly as long as its session lives. A connection loss does not remove
/// it; a session expiry does (the node is ephemeral), and then <see cref="Lost"/> is cancelled so
/// the application can rejoin with a new client.
/// </summary>
public sealed class GroupMember : IAsyncDisposable
{
    private readonly CorralClient _client;
    private SessionWatcher? _session;

    public GroupMember(CorralClient client, string groupPath, string id)
    {
        if (PathUtils.Validate(groupPath) is { } reason) throw new ArgumentException(reason, nameof(groupPath));
        if (id.Length == 0 || id.Contains('/')) throw new ArgumentException("a member id must be non-empty and contain no '/'", nameof(id));
        _client = client;
        GroupPath = groupPath;
        Id = id;
    }

    public string GroupPath { get; }
    public string Id { get; }
    public string? NodePath { get; private set; }
    public CancellationToken Lost => _session?.Lost ?? CancellationToken.None;

    public async Task JoinAsync(byte[] payload, CancellationToken ct = default)
    {
        if (NodePath is not null) throw new InvalidOperationException("already joined");
        _session = new SessionWatcher(_client);
        await Resilient.EnsurePathAsync(_client, GroupPath, ct).ConfigureAwait(false);
        var node = await Resilient.CreateProtectedAsync(_client, GroupPath, Id + "-", payload, CreateMode.EphemeralSequential, ct).ConfigureAwait(false);
        NodePath = node.Path;
    }

    /// <summary>Replaces this member's payload (watchers of the group see the change).</summary>
    public Task UpdatePayloadAsync(byte[] payload, CancellationToken ct = default) =>
        Resilient.RunAsync(() => _client.SetDataAsync(NodePath ?? throw new InvalidOperationException("not joined"), payload, -1, ct), ct);

    public async Task LeaveAsync()
    {
        if (NodePath is not { } node) return;
        NodePath = null;
        _session?.Dispose();
        try { await Resilient.DeleteIfExistsAsync(_client, node).ConfigureAwait(false); }
        catch (Exception e) when (e is SessionExpiredException or ObjectDisposedException) { }
    }

    public ValueTask DisposeAsync() => new(LeaveAsync());
}
