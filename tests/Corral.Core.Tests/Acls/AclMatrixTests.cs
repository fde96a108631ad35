using Corral.Core.Acls;
using Corral.Core.Server;
using Corral.Core.Tests.Support;
using Corral.Protocol;

namespace Corral.Core.Tests.Acls;

/// <summary>
/// Every operation x every permission set x each scheme. A node /n (with a child /n/child) gets the
/// ACL under test, then a caller runs one operation against it. The caller is always ip 10.1.2.3,
/// digest bob and (over "TLS") x509 CN=caller,O=Corral; each scheme row decides whether the ACL's
/// identity is one of the caller's. Expected: OK exactly when the identity matches (or the caller is
/// super) and the ACL grants the bit ZooKeeper checks for that operation; NOAUTH otherwise.
/// </summary>
public class AclMatrixTests
{
    private const string CallerSubject = "CN=caller,O=Corral";
    private const string CallerIp = "10.1.2.3";
    private static readonly string SuperDigest = AuthProviders.DigestOf("super:pw");
    private static readonly Id Bob = new("digest", AuthProviders.DigestOf("bob:secret"));
    private static readonly Id Eve = new("digest", AuthProviders.DigestOf("eve:secret"));

    public enum Operation
    {
        Create, Create2, CreateContainer, CreateEphemeralSequential, Delete, SetData, SetAcl,
        GetData, GetChildren, GetChildren2, Exists, GetAcl, GetAllChildrenNumber,
        MultiCreate, MultiDelete, MultiSetData, MultiCheck, MultiReadGetData, MultiReadGetChildren,
    }

    /// <summary>The permission ZooKeeper checks; Create/Delete are checked on the parent (/n).</summary>
    private static Perms Required(Operation op) => op switch
    {
        Operation.Create or Operation.Create2 or Operation.CreateContainer or Operation.CreateEphemeralSequential or Operation.MultiCreate => Perms.Create,
        Operation.Delete or Operation.MultiDelete => Perms.Delete,
        Operation.SetData or Operation.MultiSetData => Perms.Write,
        Operation.SetAcl => Perms.Admin,
        Operation.GetAcl => Perms.Read | Perms.Admin,
        _ => Perms.Read,
    };

    /// <summary>A row: how the ACL names an identity, whether that identity is the caller's, whether the caller is super.</summary>
    public sealed record Scheme(string Name, Func<Perms, IReadOnlyList<Acl>> Acl, bool Matches, bool CallerIsSuper = false, bool SetByCaller = false)
    {
        public override string ToString() => Name;
    }

    private static readonly Scheme[] Schemes =
    [
        new("world:anyone", p => [new Acl(p, Id.Anyone)], true),
        new("digest match", p => [new Acl(p, Bob)], true),
        new("digest other", p => [new Acl(p, Eve)], false),
        new("ip exact", p => [new Acl(p, new Id("ip", CallerIp))], true),
        new("ip /16", p => [new Acl(p, new Id("ip", "10.1.0.0/16"))], true),
        new("ip /24 other", p => [new Acl(p, new Id("ip", "10.1.3.0/24"))], false),
        new("ip v6", p => [new Acl(p, new Id("ip", "::1/128"))], false),
        new("auth (bob + x509)", p => [new Acl(p, new Id("auth", ""))], true, SetByCaller: true),
        new("x509 match", p => [new Acl(p, new Id("x509", CallerSubject))], true),
        new("x509 other", p => [new Acl(p, new Id("x509", "CN=other,O=Corral"))], false),
        new("super over digest other", p => [new Acl(p, Eve)], true, CallerIsSuper: true),
        new("two entries, other first", p => [new Acl(Perms.All, Eve), new Acl(p, new Id("ip", CallerIp))], true),
    ];

    /// <summary>None, each single bit, all, and all but each bit: 12 sets.</summary>
    private static readonly Perms[] PermSets =
    [
        Perms.None, Perms.Read, Perms.Write, Perms.Create, Perms.Delete, Perms.Admin, Perms.All,
        Perms.All & ~Perms.Read, Perms.All & ~Perms.Write, Perms.All & ~Perms.Create, Perms.All & ~Perms.Delete, Perms.All & ~Perms.Admin,
    ];

    public static TheoryData<Operation> Operations() => new(Enum.GetValues<Operation>());

    [Theory]
    [MemberData(nameof(Operations))]
    public void Each_operation_checks_exactly_its_permission_under_every_scheme(Operation op)
    {
        var mismatches = new List<string>();
        int cases = 0;
        foreach (var scheme in Schemes)
        foreach (var perms in PermSets)
        {
            cases++;
            var expected = scheme.Matches && (scheme.CallerIsSuper || (perms & Required(op)) != 0) ? ErrorCode.Ok : ErrorCode.NoAuth;
            var actual = Run(op, scheme, perms, out string detail);
            if (actual != expected || detail.Length > 0)
                mismatches.Add($"{op} / {scheme} / {perms}: expected {expected}, got {actual} {detail}");
        }
        Assert.Equal(Schemes.Length * PermSets.Length, cases);
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    private static ErrorCode Run(Operation op, Scheme scheme, Perms perms, out string detail)
    {
        detail = "";
        var h = new Harness(new CoreOptions { SuperDigest = SuperDigest, X509Enabled = true });
        var admin = h.Connect(remote: "10.9.9.9");
        Assert.Equal(ErrorCode.Ok, admin.AddAuth("digest", "super:pw"));
        admin.Create("/n", [1]);
        admin.Create("/n/child", [2]);

        var caller = h.Connect(remote: CallerIp + ":40000", x509Subject: CallerSubject);
        Assert.Equal(ErrorCode.Ok, caller.AddAuth("digest", "bob:secret"));
        if (scheme.CallerIsSuper) Assert.Equal(ErrorCode.Ok, caller.AddAuth("digest", "super:pw"));

        var acl = scheme.Acl(perms);
        var setter = scheme.SetByCaller ? caller : admin;
        setter.CallExpect(ErrorCode.Ok, OpCode.SetAcl, new SetACLRequest("/n", acl, -1));
        if (scheme.SetByCaller)
        {
            // auth expands to the caller's authenticated identities, in ZooKeeper's set order.
            var stored = admin.CallExpect(ErrorCode.Ok, OpCode.GetAcl, new GetACLRequest("/n")).Decode(GetACLResponse.Read).Acl;
            if (!stored!.SequenceEqual([new Acl(perms, Bob), new Acl(perms, new Id("x509", CallerSubject))]))
                detail = "auth expanded to " + string.Join(",", stored!);
        }

        var code = Execute(caller, op, out var body);
        if (code == ErrorCode.Ok && op == Operation.GetAcl)
        {
            // Without ADMIN (and without super) digest ids come back masked (CVE-2019-0201).
            var shown = body!.Decode(GetACLResponse.Read).Acl!;
            bool admin_ = scheme.CallerIsSuper || (perms & Perms.Admin) != 0 && scheme.Matches;
            var stored = h.Core.Tree.GetAcl(h.Core.Tree.Find("/n")!);
            var want = admin_ ? stored : AclChecker.MaskDigests(stored);
            if (!shown.SequenceEqual(want)) detail += " getACL showed " + string.Join(",", shown);
        }
        return code;
    }

    private static readonly IReadOnlyList<Acl> Open = Acl.OpenAclUnsafe;

    private static ErrorCode Execute(TestClient c, Operation op, out ReplyFrame? body)
    {
        body = null;
        switch (op)
        {
            case Operation.Create: return c.Call(OpCode.Create, new CreateRequest("/n/new", null, Open, CreateMode.Persistent)).Header.Err;
            case Operation.Create2: return c.Call(OpCode.Create2, new CreateRequest("/n/new", null, Open, CreateMode.Persistent)).Header.Err;
            case Operation.CreateContainer: return c.Call(OpCode.CreateContainer, new CreateRequest("/n/new", null, Open, CreateMode.Container)).Header.Err;
            case Operation.CreateEphemeralSequential: return c.Call(OpCode.Create, new CreateRequest("/n/e-", null, Open, CreateMode.EphemeralSequential)).Header.Err;
            case Operation.Delete: return c.Call(OpCode.Delete, new DeleteRequest("/n/child", -1)).Header.Err;
            case Operation.SetData: return c.Call(OpCode.SetData, new SetDataRequest("/n", [9], -1)).Header.Err;
            case Operation.SetAcl: return c.Call(OpCode.SetAcl, new SetACLRequest("/n", Open, -1)).Header.Err;
            case Operation.GetData: return c.Call(OpCode.GetData, new GetDataRequest("/n", true)).Header.Err;
            case Operation.GetChildren: return c.Call(OpCode.GetChildren, new GetChildrenRequest("/n", true)).Header.Err;
            case Operation.GetChildren2: return c.Call(OpCode.GetChildren2, new GetChildren2Request("/n", false)).Header.Err;
            case Operation.Exists: return c.Call(OpCode.Exists, new ExistsRequest("/n", true)).Header.Err;
            case Operation.GetAcl:
                body = c.Call(OpCode.GetAcl, new GetACLRequest("/n"));
                return body.Header.Err;
            case Operation.GetAllChildrenNumber: return c.Call(OpCode.GetAllChildrenNumber, new GetAllChildrenNumberRequest("/n")).Header.Err;
            case Operation.MultiCreate: return MultiCode(c, OpCode.Multi, MultiOp.Create(new CreateRequest("/n/new", null, Open, CreateMode.Persistent)));
            case Operation.MultiDelete: return MultiCode(c, OpCode.Multi, MultiOp.Delete(new DeleteRequest("/n/child", -1)));
            case Operation.MultiSetData: return MultiCode(c, OpCode.Multi, MultiOp.SetData(new SetDataRequest("/n", [9], -1)));
            case Operation.MultiCheck: return MultiCode(c, OpCode.Multi, MultiOp.Check(new CheckVersionRequest("/n", -1)));
            case Operation.MultiReadGetData: return MultiCode(c, OpCode.MultiRead, MultiOp.GetData(new GetDataRequest("/n", false)));
            case Operation.MultiReadGetChildren: return MultiCode(c, OpCode.MultiRead, MultiOp.GetChildren(new GetChildrenRequest("/n", false)));
            default: throw new ArgumentOutOfRangeException(nameof(op));
        }
    }

    /// <summary>A one-operation multi/multiRead: the header is OK either way; the result carries the code.</summary>
    private static ErrorCode MultiCode(TestClient c, OpCode type, MultiOp op)
    {
        var f = c.CallExpect(ErrorCode.Ok, type, new MultiRequest([op]));
        var result = Assert.Single(f.Decode(MultiResponse.Read).Results);
        return result is ErrorResult e ? e.Err : ErrorCode.Ok;
    }
}
