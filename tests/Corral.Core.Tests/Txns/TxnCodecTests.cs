using Corral.Core.Txns;
using Corral.Protocol;

namespace Corral.Core.Tests.Txns;

public class TxnCodecTests
{
    private static readonly IReadOnlyList<Acl> Acls = [new(Perms.Read | Perms.Write, new Id("digest", "u:h=")), new(Perms.All, Id.Anyone)];

    public static TheoryData<Txn> AllTxns() =>
    [
        new CreateTxn("/a/b", [1, 2], Acls, 0x0100000000000001, 7),
        new CreateTxn("/null", null, Acls, 0, 1),
        new CreateContainerTxn("/c", [], Acls, 3),
        new CreateTtlTxn("/t", [9], Acls, 123456, 4),
        new DeleteTxn("/a"),
        new DeleteContainerTxn("/c"),
        new SetDataTxn("/a", [5, 6, 7], 12),
        new SetDataTxn("/a", null, 0),
        new SetAclTxn("/a", Acls, 3),
        new CheckVersionTxn("/a", 4),
        new ErrorTxn(ErrorCode.NoNode),
        new CreateSessionTxn(30000, Enumerable.Range(0, 16).Select(i => (byte)i).ToArray()),
        new CloseSessionTxn(["/e1", "/x/e2"]),
        new MultiTxn([new CreateTxn("/m", [1], Acls, 0, 2), new SetDataTxn("/m", [2], 1), new DeleteTxn("/m"), new CheckVersionTxn("/", -1)]),
        new MultiTxn([new ErrorTxn(ErrorCode.Ok), new ErrorTxn(ErrorCode.BadVersion), new ErrorTxn(ErrorCode.RuntimeInconsistency)]),
        new MultiTxn([]),
    ];

    [Theory]
    [MemberData(nameof(AllTxns))]
    public void Every_transaction_round_trips(Txn txn)
    {
        var header = new TxnHeader(0x0100000000000001, 42, 0x500000003, 1_700_000_000_123, txn.Type);
        var bytes = TxnCodec.Serialize(header, txn);
        var (h2, t2) = TxnCodec.Deserialize(bytes);
        Assert.Equal(header, h2);
        Assert.Equal(Describe(txn), Describe(t2));
        Assert.Equal(bytes, TxnCodec.Serialize(h2, t2));
    }

    // Records hold lists and arrays, so compare a canonical rendering rather than reference equality.
    private static string Describe(Txn t) => t switch
    {
        CreateTxn c => $"create {c.Path} {Hex(c.Data)} {string.Join(",", c.Acl)} {c.EphemeralOwner} {c.ParentChildCreations}",
        CreateContainerTxn c => $"container {c.Path} {Hex(c.Data)} {string.Join(",", c.Acl)} {c.ParentChildCreations}",
        CreateTtlTxn c => $"ttl {c.Path} {Hex(c.Data)} {string.Join(",", c.Acl)} {c.Ttl} {c.ParentChildCreations}",
        SetDataTxn s => $"set {s.Path} {Hex(s.Data)} {s.Version}",
        SetAclTxn s => $"acl {s.Path} {string.Join(",", s.Acl)} {s.Aversion}",
        CreateSessionTxn s => $"session {s.TimeoutMs} {Hex(s.Password)}",
        CloseSessionTxn c => $"close {string.Join(",", c.EphemeralPaths)}",
        MultiTxn m => $"multi [{string.Join("; ", m.Txns.Select(Describe))}]",
        _ => t.ToString(),
    };

    private static string Hex(byte[]? b) => b is null ? "null" : Convert.ToHexString(b);

    [Fact]
    public void Malformed_bytes_are_rejected()
    {
        var bytes = TxnCodec.Serialize(new TxnHeader(1, 1, 1, 1, TxnType.Delete), new DeleteTxn("/a"));
        Assert.Throws<JuteException>(() => TxnCodec.Deserialize(bytes[..^1]));
        Assert.Throws<JuteException>(() => TxnCodec.Deserialize([.. bytes, 0]));
        var unknown = (byte[])bytes.Clone();
        unknown[31] = 99; // the type's low byte: sessionId 8 + cxid 4 + zxid 8 + time 8, then the type
        Assert.Throws<JuteException>(() => TxnCodec.Deserialize(unknown));
    }

    [Fact]
    public void Header_type_must_match_the_body()
    {
        Assert.Throws<ArgumentException>(() => TxnCodec.Serialize(new TxnHeader(1, 1, 1, 1, TxnType.Create), new DeleteTxn("/a")));
    }
}
