using System.Text;
using Corral.Core.Tree;
using Corral.Protocol;
using Corral.Zab.Tests.Simulation;

namespace Corral.Zab.Tests.Checkers;

/// <summary>
/// An independent, deliberately naive model of ZooKeeper's write semantics over the simulator's requests:
/// persistent, ephemeral and sequential znodes with versions, version-checked setData/delete, check, multi
/// (all or nothing, the first failure reported), and sessions whose close deletes their ephemerals. It
/// replays the committed history request by request, so every answer a client got, every read, and the
/// final contents of the real <see cref="DataTree"/> can be compared with what ZooKeeper's rules give.
/// It shares no code with Corral.Core's preparer or tree.
/// </summary>
public sealed class ReferenceModel
{
    private sealed record Node(string Value, int Version, long EphemeralOwner, int ChildCreations);

    private SortedDictionary<string, Node> _nodes = new(StringComparer.Ordinal) { ["/"] = new("", 0, 0, 0) };
    private readonly SortedSet<long> _sessions = [];

    public ReferenceModel()
    {
        foreach (var r in TreeStateMachine.Roots) _nodes[r] = new Node("", 0, 0, 0);
    }

    private static string ParentOf(string path) => path[..Math.Max(1, path.LastIndexOf('/'))];

    /// <summary>Applies one committed request and returns the answer ZooKeeper's rules give.</summary>
    public SimResult Apply(SimRequest r)
    {
        switch (r.Op)
        {
            case SimOp.CreateSession:
                _sessions.Add(r.SessionId);
                return new SimResult(ErrorCode.Ok);
            case var _ when !_sessions.Contains(r.SessionId):
                return new SimResult(ErrorCode.SessionExpired);
            case SimOp.CloseSession:
                foreach (var path in _nodes.Where(kv => kv.Value.EphemeralOwner == r.SessionId).Select(kv => kv.Key).ToList()) _nodes.Remove(path);
                _sessions.Remove(r.SessionId);
                return new SimResult(ErrorCode.Ok);
            case SimOp.Multi:
            {
                var saved = new SortedDictionary<string, Node>(_nodes, StringComparer.Ordinal);
                foreach (var op in r.Ops!)
                {
                    var result = Step(op with { SessionId = r.SessionId });
                    if (result.Code == ErrorCode.Ok) continue;
                    _nodes = saved;
                    return new SimResult(result.Code);
                }
                return new SimResult(ErrorCode.Ok);
            }
            default:
                return Step(r);
        }
    }

    private SimResult Step(SimRequest r) => r.Op switch
    {
        SimOp.Create => Create(r),
        SimOp.SetData => SetData(r),
        SimOp.Delete => Delete(r),
        SimOp.Check => Check(r),
        _ => throw new ArgumentException($"unexpected {r.Op}"),
    };

    private SimResult Create(SimRequest r)
    {
        var parentPath = ParentOf(r.Path);
        if (!_nodes.TryGetValue(parentPath, out var parent)) return new SimResult(ErrorCode.NoNode);
        var path = r.Sequential ? $"{r.Path}{parent.ChildCreations:D10}" : r.Path;
        if (_nodes.ContainsKey(path)) return new SimResult(ErrorCode.NodeExists);
        if (parent.EphemeralOwner != 0) return new SimResult(ErrorCode.NoChildrenForEphemerals);
        _nodes[parentPath] = parent with { ChildCreations = parent.ChildCreations + 1 };
        _nodes[path] = new Node(r.Data, 0, r.Ephemeral ? r.SessionId : 0, 0);
        return new SimResult(ErrorCode.Ok, path);
    }

    private static bool VersionOk(int expected, int actual) => expected == -1 || expected == actual;

    private SimResult SetData(SimRequest r)
    {
        if (!_nodes.TryGetValue(r.Path, out var n)) return new SimResult(ErrorCode.NoNode);
        if (!VersionOk(r.Version, n.Version)) return new SimResult(ErrorCode.BadVersion);
        _nodes[r.Path] = n with { Value = r.Data, Version = n.Version + 1 };
        return new SimResult(ErrorCode.Ok, Version: n.Version + 1);
    }

    private SimResult Delete(SimRequest r)
    {
        if (!_nodes.ContainsKey(ParentOf(r.Path)) || !_nodes.TryGetValue(r.Path, out var n)) return new SimResult(ErrorCode.NoNode);
        if (!VersionOk(r.Version, n.Version)) return new SimResult(ErrorCode.BadVersion);
        var prefix = r.Path + "/";
        if (_nodes.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal))) return new SimResult(ErrorCode.NotEmpty);
        _nodes.Remove(r.Path);
        return new SimResult(ErrorCode.Ok);
    }

    private SimResult Check(SimRequest r)
    {
        if (!_nodes.TryGetValue(r.Path, out var n)) return new SimResult(ErrorCode.NoNode);
        return VersionOk(r.Version, n.Version) ? new SimResult(ErrorCode.Ok) : new SimResult(ErrorCode.BadVersion);
    }

    public ReadResult Read(string path) =>
        _nodes.TryGetValue(path, out var n) ? new ReadResult(true, n.Value, n.Version) : new ReadResult(false, null, -1);

    /// <summary>Null if the real tree holds exactly the model's znodes (data, version, owner) under the roots and the same live sessions; else the first difference.</summary>
    public string? DifferenceFrom(DataTree tree)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in TreeStateMachine.Roots)
        {
            var stack = new Stack<string>([root]);
            while (stack.TryPop(out var path))
            {
                var node = tree.Find(path)!;
                seen.Add(path);
                if (!_nodes.TryGetValue(path, out var expected)) return $"the tree has {path}, the model does not";
                var actual = new Node(Encoding.UTF8.GetString(node.Data), node.Version, tree.RawOwner(node), expected.ChildCreations);
                if (actual != expected) return $"{path} is {actual} in the tree, {expected} in the model";
                foreach (var child in tree.GetChildren(node)) stack.Push($"{path}/{child}");
            }
        }
        var missing = _nodes.Keys.FirstOrDefault(k => k != "/" && !seen.Contains(k));
        if (missing is not null) return $"the model has {missing}, the tree does not";
        if (!_sessions.SetEquals(tree.Sessions.Keys)) return $"live sessions differ: tree [{string.Join(",", tree.Sessions.Keys.Order())}], model [{string.Join(",", _sessions)}]";
        return null;
    }
}
