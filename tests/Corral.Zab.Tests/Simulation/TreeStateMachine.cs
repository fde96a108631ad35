using System.Text;
using Corral.Core.Processing;
using Corral.Core.Server;
using Corral.Core.Tree;
using Corral.Core.Txns;
using Corral.Protocol;

namespace Corral.Zab.Tests.Simulation;

/// <summary>
/// One replica's state: Corral.Core's real <see cref="DataTree"/>. On the leader it also prepares txns: the
/// <see cref="RequestPreparer"/> validates each request against the tree as it will be once every earlier
/// proposal applies (<see cref="PendingChanges"/>, ZooKeeper's outstandingChanges) and produces the
/// <see cref="TxnCodec"/> bytes Zab replicates. Every replica applies those bytes with <see cref="DataTree.Apply"/>.
/// Sessions are real too: CreateSession and CloseSession txns, and a request from a session that is not
/// live (closed, or never created) becomes an ErrorTxn(SESSIONEXPIRED), as ZooKeeper's checkSession does.
/// </summary>
public sealed class TreeStateMachine : IReplicatedStateMachine
{
    /// <summary>Parents every replica starts with (created at zxid 0, so the empty state already has them).</summary>
    public static readonly string[] Roots = ["/kv", "/seq", "/eph", "/mk"];
    public const int SessionTimeoutMs = 30_000;

    private static readonly IReadOnlyList<Id> ClientIds = [new Id("ip", "127.0.0.1")];
    private static readonly CoreOptions PrepOptions = new() { ServerId = 1 };

    private readonly Func<long> _clock;
    private DataTree _tree = null!;
    private PendingChanges _pending = null!;
    private RequestPreparer _preparer = null!;
    /// <summary>Sessions created or closed by prepared but not yet applied txns: session → (live, zxid).</summary>
    private readonly Dictionary<long, (bool Live, long Zxid)> _pendingSessions = [];
    private long _preparingEpoch = -1;

    /// <param name="clock">The txn time (ms) the leader stamps into each header; the simulator's clock.</param>
    public TreeStateMachine(Func<long>? clock = null)
    {
        _clock = clock ?? (() => 0);
        Reset(NewTree());
    }

    public DataTree Tree => _tree;
    public long LastZxid => _tree.LastProcessedZxid;

    private static DataTree NewTree()
    {
        var tree = new DataTree();
        foreach (var root in Roots)
            tree.Apply(new TxnHeader(0, 0, 0, 0, TxnType.Create), new CreateTxn(root, [], Acl.OpenAclUnsafe, 0, 0));
        return tree;
    }

    private void Reset(DataTree tree)
    {
        _tree = tree;
        _pending = new PendingChanges(tree);
        _preparer = new RequestPreparer(_pending, PrepOptions);
        _pendingSessions.Clear();
        _preparingEpoch = -1;
    }

    // ---- the leader's side: request → txn ----

    /// <summary>The <c>prepareTxn</c> hook of <see cref="ZabPeer"/>: the txn bytes for <paramref name="request"/> at <paramref name="zxid"/>.</summary>
    public byte[] Prepare(long zxid, byte[] request)
    {
        // A new epoch starts from the applied tree: whatever an earlier leadership of ours prepared is either
        // applied by now (the new leader commits its whole history before proposing) or gone.
        if (Zxid.EpochOf(zxid) != _preparingEpoch)
        {
            _pending.Clear();
            _pendingSessions.Clear();
            _preparingEpoch = Zxid.EpochOf(zxid);
        }
        var req = SimRequest.Decode(request);
        var ctx = new PrepContext(req.SessionId, ClientIds, zxid, _clock());
        var txn = Prepare(ctx, req);
        return TxnCodec.Serialize(new TxnHeader(req.SessionId, req.Cxid, zxid, ctx.Time, txn.Type), txn);
    }

    private bool IsLive(long session) =>
        _pendingSessions.TryGetValue(session, out var p) ? p.Live : _tree.Sessions.ContainsKey(session);

    private Txn Prepare(in PrepContext ctx, SimRequest req)
    {
        if (req.Op == SimOp.CreateSession)
        {
            _pendingSessions[req.SessionId] = (true, ctx.Zxid);
            return new CreateSessionTxn(SessionTimeoutMs, BitConverter.GetBytes(req.SessionId));
        }
        if (!IsLive(req.SessionId))
            return req.Op == SimOp.Multi
                ? new MultiTxn(req.Ops!.Select((_, i) => (Txn)new ErrorTxn(i == 0 ? ErrorCode.SessionExpired : ErrorCode.RuntimeInconsistency)).ToList())
                : new ErrorTxn(ErrorCode.SessionExpired);
        switch (req.Op)
        {
            case SimOp.CloseSession:
                _pendingSessions[req.SessionId] = (false, ctx.Zxid);
                return _preparer.CloseSession(ctx);
            case SimOp.Multi:
                return _preparer.Multi(ctx, new MultiRequest(req.Ops!.Select(ToMultiOp).ToList()));
        }
        Txn? txn;
        var code = req.Op switch
        {
            SimOp.Create => _preparer.Create(ctx, OpCode.Create, req.Path, Encoding.UTF8.GetBytes(req.Data), Acl.OpenAclUnsafe,
                (int)CreateModeOf(req), -1, out txn),
            SimOp.SetData => _preparer.SetData(ctx, req.Path, Encoding.UTF8.GetBytes(req.Data), req.Version, out txn),
            SimOp.Delete => _preparer.Delete(ctx, req.Path, req.Version, out txn),
            _ => throw new ArgumentException($"not a write: {req}"),
        };
        return code == ErrorCode.Ok ? txn! : new ErrorTxn(code);
    }

    private static CreateMode CreateModeOf(SimRequest r) => (r.Ephemeral, r.Sequential) switch
    {
        (false, false) => CreateMode.Persistent,
        (true, false) => CreateMode.Ephemeral,
        (false, true) => CreateMode.PersistentSequential,
        _ => CreateMode.EphemeralSequential,
    };

    private static MultiOp ToMultiOp(SimRequest op) => op.Op switch
    {
        SimOp.Create => MultiOp.Create(new CreateRequest(op.Path, Encoding.UTF8.GetBytes(op.Data), Acl.OpenAclUnsafe, (int)CreateModeOf(op))),
        SimOp.SetData => MultiOp.SetData(new SetDataRequest(op.Path, Encoding.UTF8.GetBytes(op.Data), op.Version)),
        SimOp.Delete => MultiOp.Delete(new DeleteRequest(op.Path, op.Version)),
        SimOp.Check => MultiOp.Check(new CheckVersionRequest(op.Path, op.Version)),
        _ => throw new ArgumentException($"{op.Op} cannot be inside a multi"),
    };

    // ---- every replica: apply committed txns ----

    public SimResult Apply(long zxid, byte[] payload)
    {
        var (header, txn) = TxnCodec.Deserialize(payload);
        if (header.Zxid != zxid) throw new InvalidOperationException($"txn at {Zxid.Format(zxid)} carries zxid {Zxid.Format(header.Zxid)}");
        var result = _tree.Apply(header, txn);
        _pending.OnApplied(zxid);
        foreach (var s in _pendingSessions.Where(kv => kv.Value.Zxid <= zxid).Select(kv => kv.Key).ToList()) _pendingSessions.Remove(s);
        return ToSimResult(result);
    }

    /// <summary>The (session, cxid) a committed txn answers.</summary>
    public static (long SessionId, int Cxid) RequestOf(byte[] payload)
    {
        var (header, _) = TxnCodec.Deserialize(payload);
        return (header.SessionId, header.Cxid);
    }

    private static SimResult ToSimResult(TxnResult r)
    {
        if (r.MultiResults is { } subs)
        {
            var failed = subs.FirstOrDefault(s => s.Error != ErrorCode.Ok);
            return new SimResult(failed?.Error ?? ErrorCode.Ok);
        }
        if (r.Error != ErrorCode.Ok) return new SimResult(r.Error);
        return r.Type switch
        {
            TxnType.Create => new SimResult(ErrorCode.Ok, r.Path),
            TxnType.SetData => new SimResult(ErrorCode.Ok, Version: r.Stat!.Value.Version),
            _ => new SimResult(ErrorCode.Ok),
        };
    }

    public ReadResult Read(string path) =>
        _tree.Find(path) is { } n ? new ReadResult(true, Encoding.UTF8.GetString(n.Data), n.Version) : new ReadResult(false, null, -1);

    public IReadOnlyCollection<string> EphemeralsOf(long session) => _tree.GetEphemerals(session);

    /// <summary>The tree's own digest (every znode's path, data and stat) combined with the live sessions, which it does not cover.</summary>
    public ulong Digest()
    {
        var h = (ulong)_tree.Digest;
        foreach (var (id, s) in _tree.Sessions.OrderBy(kv => kv.Key))
            h = (h ^ (ulong)id) * 1099511628211UL ^ (ulong)s.TimeoutMs;
        return h;
    }

    public byte[] Snapshot()
    {
        using var ms = new MemoryStream();
        _tree.WriteSnapshot(ms);
        return ms.ToArray();
    }

    public void Restore(long zxid, byte[] snapshot)
    {
        var tree = new DataTree();
        tree.LoadSnapshot(new MemoryStream(snapshot));
        if (tree.LastProcessedZxid != zxid)
            throw new InvalidOperationException($"snapshot holds {Zxid.Format(tree.LastProcessedZxid)}, expected {Zxid.Format(zxid)}");
        Reset(tree);
    }
}
