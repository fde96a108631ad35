using System.Runtime.CompilerServices;
using System.Text.Json;
using Corral.Client;
using Corral.Protocol;

namespace Corral.Recipes.Membership;

/// <summary>One instance of a service, as registered (stored as JSON in its member node).</summary>
public sealed record ServiceInstance(string Name, string Id, string Address, int Port, IReadOnlyDictionary<string, string>? Metadata = null);

/// <summary>
/// Service discovery (in the spirit of Curator's ServiceDiscovery) on group membership: each
/// instance is a member of the group <c>basePath/&lt;service name&gt;</c> whose payload is the
/// instance as JSON. Registrations vanish with their session, so crashed instances drop out after
/// the session timeout; <see cref="WatchAsync"/> streams a service's live instances.
/// </summary>
public sealed class ServiceDiscovery(CorralClient client, string basePath = "/services")
{
    /// <summary>Registers an instance; dispose the returned member to deregister.</summary>
    public async Task<GroupMember> RegisterAsync(ServiceInstance instance, CancellationToken ct = default)
    {
        var member = new GroupMember(client, GroupOf(instance.Name), instance.Id);
        await member.JoinAsync(JsonSerializer.SerializeToUtf8Bytes(instance), ct).ConfigureAwait(false);
        return member;
    }

    /// <summary>The live instances of <paramref name="serviceName"/> now.</summary>
    public async Task<IReadOnlyList<ServiceInstance>> GetInstancesAsync(string serviceName, CancellationToken ct = default)
    {
        await using var view = new GroupView(client, GroupOf(serviceName));
        await view.StartAsync(ct).ConfigureAwait(false);
        return Parse(view.Members);
    }

    /// <summary>The live instances now, then after every change; ends with <see cref="SessionExpiredException"/> if the session expires.</summary>
    public async IAsyncEnumerable<IReadOnlyList<ServiceInstance>> WatchAsync(string serviceName, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var view = new GroupView(client, GroupOf(serviceName));
        await view.StartAsync(ct).ConfigureAwait(false);
        await foreach (var members in view.WatchAsync(ct).ConfigureAwait(false)) yield return Parse(members);
    }

    private string GroupOf(string serviceName) =>
        serviceName.Length == 0 || serviceName.Contains('/') ? throw new ArgumentException("bad service name", nameof(serviceName)) : PathUtils.Combine(basePath, serviceName);

    private static List<ServiceInstance> Parse(IReadOnlyList<Member> members)
    {
        var list = new List<ServiceInstance>();
        foreach (var m in members)
        {
            try
            {
                if (JsonSerializer.Deserialize<ServiceInstance>(m.Payload) is { } instance) list.Add(instance);
            }
            catch (JsonException)
            {
                // A member that is not a service instance (foreign data) is not listed.
            }
        }
        return list;
    }
}
