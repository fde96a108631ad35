using Corral.Client.Internal;
using Corral.Protocol;

namespace Corral.Client;

/// <summary>
/// Builds a multi: every operation applies, or none does. Create results come back as
/// CreateResult/Create2Result (paths relative to the chroot), then DeleteResult, SetDataResult and
/// CheckResult, in order. If any operation fails, CommitAsync throws the first failure's typed
/// exception, with every operation's ErrorResult in <see cref="ZooKeeperException.Results"/>.
/// </summary>
public sealed class Transaction
{
    private readonly CorralClient _client;
    private readonly List<MultiOp> _ops = [];

    internal Transaction(CorralClient client) => _client = client;

    public int Count => _ops.Count;

    public Transaction Create(string path, byte[]? data, CreateMode mode = CreateMode.Persistent, IReadOnlyList<Acl>? acl = null, TimeSpan? ttl = null)
    {
        string serverPath = _client.ToServerPath(path, mode.IsSequential());
        acl ??= Acl.OpenAclUnsafe;
        if (mode.IsTtl())
        {
            if (ttl is not { } t || t <= TimeSpan.Zero) throw new ArgumentException("a TTL create mode needs a positive ttl", nameof(ttl));
            _ops.Add(MultiOp.CreateTtl(new CreateTTLRequest(serverPath, data ?? [], acl, mode, (long)t.TotalMilliseconds)));
        }
        else if (mode == CreateMode.Container)
            _ops.Add(MultiOp.CreateContainer(new CreateRequest(serverPath, data ?? [], acl, mode)));
        else
            _ops.Add(MultiOp.Create(new CreateRequest(serverPath, data ?? [], acl, mode)));
        return this;
    }

    public Transaction Create(string path, string data, CreateMode mode = CreateMode.Persistent) =>
        Create(path, System.Text.Encoding.UTF8.GetBytes(data), mode);

    public Transaction Delete(string path, int version = -1)
    {
        _ops.Add(MultiOp.Delete(new DeleteRequest(_client.ToServerPath(path), version)));
        return this;
    }

    public Transaction SetData(string path, byte[]? data, int version = -1)
    {
        _ops.Add(MultiOp.SetData(new SetDataRequest(_client.ToServerPath(path), data ?? [], version)));
        return this;
    }

    public Transaction SetData(string path, string data, int version = -1) =>
        SetData(path, System.Text.Encoding.UTF8.GetBytes(data), version);

    /// <summary>Fails the transaction unless the node exists with this version (-1: any version).</summary>
    public Transaction Check(string path, int version)
    {
        _ops.Add(MultiOp.Check(new CheckVersionRequest(_client.ToServerPath(path), version)));
        return this;
    }

    public Task<IReadOnlyList<OpResult>> CommitAsync(CancellationToken ct = default) =>
        _client.MultiAsync(OpCode.Multi, _ops, throwOnError: true, ct);
}

/// <summary>
/// Builds a multiRead: independent reads answered together from one consistent view. Each result
/// is a GetDataResult, GetChildrenResult or, for a read that failed, an ErrorResult.
/// </summary>
public sealed class MultiRead
{
    private readonly CorralClient _client;
    private readonly List<MultiOp> _ops = [];

    internal MultiRead(CorralClient client) => _client = client;

    public MultiRead GetData(string path)
    {
        _ops.Add(MultiOp.GetData(new GetDataRequest(_client.ToServerPath(path), false)));
        return this;
    }

    public MultiRead GetChildren(string path)
    {
        _ops.Add(MultiOp.GetChildren(new GetChildrenRequest(_client.ToServerPath(path), false)));
        return this;
    }

    public Task<IReadOnlyList<OpResult>> ExecuteAsync(CancellationToken ct = default) =>
        _client.MultiAsync(OpCode.MultiRead, _ops, throwOnError: false, ct);
}

public sealed partial class CorralClient
{
    /// <summary>Starts a multi (atomic write transaction).</summary>
    public Transaction Transaction() => new(this);

    /// <summary>Starts a multiRead.</summary>
    public MultiRead MultiRead() => new(this);

    internal string ToServerPath(string path, bool sequential = false) => ServerPath(path, sequential);

    internal async Task<IReadOnlyList<OpResult>> MultiAsync(OpCode op, List<MultiOp> ops, bool throwOnError, CancellationToken ct)
    {
        var request = new MultiRequest([.. ops]);
        IReadOnlyList<OpResult> results = op == OpCode.MultiRead
            ? await Idempotent(() => SendMulti(op, request, ct), ct).ConfigureAwait(false)
            : await SendMulti(op, request, ct).ConfigureAwait(false);
        if (throwOnError)
        {
            for (int i = 0; i < results.Count; i++)
            {
                if (results[i] is ErrorResult { Err: not ErrorCode.Ok and not ErrorCode.RuntimeInconsistency } failed)
                {
                    string? path = PathOf(ops[i]);
                    throw new ZooKeeperException(failed.Err, path, $"{ZooKeeperException.Describe(failed.Err, path)} (operation {i + 1} of the transaction)")
                    {
                        Results = results,
                    };
                }
            }
        }
        return results;
    }

    private Task<IReadOnlyList<OpResult>> SendMulti(OpCode op, MultiRequest request, CancellationToken ct) =>
        Send<IReadOnlyList<OpResult>>(op, request, null, static (ref JuteReader r, ConnectionString paths) =>
        {
            var results = MultiResponse.Read(ref r).Results;
            var mapped = new OpResult[results.Count];
            for (int i = 0; i < results.Count; i++)
            {
                mapped[i] = results[i] switch
                {
                    CreateResult c => new CreateResult(c.Path is null ? null : paths.ToClientPath(c.Path)),
                    Create2Result c => new Create2Result(c.Path is null ? null : paths.ToClientPath(c.Path), c.Stat),
                    var other => other,
                };
            }
            return mapped;
        }, ct);

    private string? PathOf(MultiOp op)
    {
        string? serverPath = op.Request switch
        {
            CreateRequest c => c.Path,
            CreateTTLRequest t => t.Path,
            DeleteRequest d => d.Path,
            SetDataRequest s => s.Path,
            CheckVersionRequest c => c.Path,
            _ => null,
        };
        return serverPath is null ? null : _session.Paths.ToClientPath(serverPath);
    }
}
