using Corral.Core.Acls;
using Corral.Core.Server;
using Corral.Core.Tests.Support;
using Corral.Protocol;

namespace Corral.Core.Tests.Acls;

/// <summary>One regression test per ZooKeeper ACL CVE (docs/security.md lists them).</summary>
public class CveRegressionTests
{
    private static readonly Id Bob = new("digest", AuthProviders.DigestOf("bob:secret"));

    /// <summary>
    /// CVE-2019-0201: getACL returned digest hashes to anyone with READ, which could then be brute-forced.
    /// Without ADMIN the hash is replaced by "x"; with ADMIN (or super) the ACL comes back as stored.
    /// </summary>
    [Fact]
    public void CVE_2019_0201_getAcl_masks_digest_hashes_without_admin()
    {
        var h = new Harness(new CoreOptions { SuperDigest = AuthProviders.DigestOf("super:pw") });
        var owner = h.Connect();
        owner.Create("/n", null, acl: [new Acl(Perms.All, Bob), new Acl(Perms.Read, Id.Anyone), new Acl(Perms.Read, new Id("ip", "10.0.0.0/8"))]);

        var reader = h.Connect();
        var masked = reader.CallExpect(ErrorCode.Ok, OpCode.GetAcl, new GetACLRequest("/n")).Decode(GetACLResponse.Read);
        Assert.Equal([new Acl(Perms.All, new Id("digest", "bob:x")), new Acl(Perms.Read, Id.Anyone), new Acl(Perms.Read, new Id("ip", "10.0.0.0/8"))], masked.Acl);

        var bob = h.Connect();
        Assert.Equal(ErrorCode.Ok, bob.AddAuth("digest", "bob:secret"));
        Assert.Equal(Bob, bob.CallExpect(ErrorCode.Ok, OpCode.GetAcl, new GetACLRequest("/n")).Decode(GetACLResponse.Read).Acl![0].Id);

        var super = h.Connect();
        Assert.Equal(ErrorCode.Ok, super.AddAuth("digest", "super:pw"));
        Assert.Equal(Bob, super.CallExpect(ErrorCode.Ok, OpCode.GetAcl, new GetACLRequest("/n")).Decode(GetACLResponse.Read).Acl![0].Id);

        // Neither READ nor ADMIN: no ACL at all.
        owner.Create("/hidden", null, acl: [new Acl(Perms.Write, Id.Anyone), new Acl(Perms.All, Bob)]);
        reader.CallExpect(ErrorCode.NoAuth, OpCode.GetAcl, new GetACLRequest("/hidden"));
        // ADMIN alone is enough, and shows the hashes.
        owner.Create("/adminonly", null, acl: [new Acl(Perms.Admin, Id.Anyone), new Acl(Perms.All, Bob)]);
        Assert.Equal(Bob, reader.CallExpect(ErrorCode.Ok, OpCode.GetAcl, new GetACLRequest("/adminonly")).Decode(GetACLResponse.Read).Acl![1].Id);
    }

    /// <summary>
    /// CVE-2024-23944: a persistent (recursive) watch on a readable parent leaked the paths and changes of
    /// children the watcher may not read. Every event is now filtered by READ on the node it is about.
    /// </summary>
    [Fact]
    public void CVE_2024_23944_persistent_watches_only_report_nodes_the_watcher_may_read()
    {
        var h = new Harness();
        var bob = h.Connect();
        Assert.Equal(ErrorCode.Ok, bob.AddAuth("digest", "bob:secret"));
        bob.Create("/app");
        var watcher = h.Connect(remote: "10.5.5.5");
        watcher.CallExpect(ErrorCode.Ok, OpCode.AddWatch, new AddWatchRequest("/app", AddWatchMode.PersistentRecursive));
        var parentWatcher = h.Connect(remote: "10.5.5.6");
        parentWatcher.CallExpect(ErrorCode.Ok, OpCode.AddWatch, new AddWatchRequest("/app", AddWatchMode.Persistent));

        bob.Create("/app/secret", [1], acl: [new Acl(Perms.All, Bob)]);
        bob.Create("/app/secret/deeper", [1], acl: [new Acl(Perms.All, Bob)]);
        bob.SetData("/app/secret", [2]);
        bob.Delete("/app/secret/deeper");
        bob.Create("/app/public", [1]);

        // The recursive watcher sees only the readable child; the parent's child-list change (the
        // parent is readable) reaches the plain persistent watcher twice per create/delete under /app.
        var e = watcher.Next();
        Assert.True(e.IsNotification);
        Assert.Equal(new WatcherEvent(EventType.NodeCreated, KeeperState.SyncConnected, "/app/public"), e.Event);
        watcher.ExpectNoMoreFrames();

        var p1 = parentWatcher.Next();
        var p2 = parentWatcher.Next();
        Assert.Equal(new WatcherEvent(EventType.NodeChildrenChanged, KeeperState.SyncConnected, "/app"), p1.Event);
        Assert.Equal(new WatcherEvent(EventType.NodeChildrenChanged, KeeperState.SyncConnected, "/app"), p2.Event);
        parentWatcher.ExpectNoMoreFrames();

        // Standard watches: a data watch set while the node was readable does not fire once it is not.
        bob.CallExpect(ErrorCode.Ok, OpCode.SetAcl, new SetACLRequest("/app/public", [new Acl(Perms.All, Bob)], -1));
        watcher.ExpectNoMoreFrames();
    }

    /// <summary>AUTHFAILED is answered with the auth xid and zxid 0, then the connection closes (ZooKeeperServer.processPacket).</summary>
    [Theory]
    [InlineData("world")]
    [InlineData("super")]
    [InlineData("auth")]
    [InlineData("x509")]
    [InlineData("sasl")]
    public void Auth_with_an_unregistered_scheme_fails_and_closes(string scheme)
    {
        var h = new Harness();
        var c = h.Connect();
        c.Send(OpCode.Auth, new AuthPacket(0, scheme, [1]), Xids.Auth);
        Assert.Equal(new ReplyHeader(Xids.Auth, 0, ErrorCode.AuthFailed), c.Next().Header);
        Assert.True(c.Closed);
    }

    [Fact]
    public void X509_identity_comes_from_the_certificate_and_the_configured_subject_is_super()
    {
        var h = new Harness(new CoreOptions { X509Enabled = true, X509SuperUser = "CN=admin,O=Corral" });
        var admin = h.Connect(x509Subject: "CN=admin,O=Corral");
        var who = admin.CallExpect(ErrorCode.Ok, OpCode.WhoAmI).Decode(WhoAmIResponse.Read);
        Assert.Equal([new ClientInfo("x509", "CN=admin,O=Corral"), new ClientInfo("super", ""), new ClientInfo("ip", "127.0.0.1")], who.ClientInfo);

        var alice = h.Connect(x509Subject: "CN=alice,O=Corral");
        alice.Create("/a", [7], acl: [new Acl(Perms.All, new Id("auth", ""))]);
        Assert.Equal([new Acl(Perms.All, new Id("x509", "CN=alice,O=Corral"))],
            alice.CallExpect(ErrorCode.Ok, OpCode.GetAcl, new GetACLRequest("/a")).Decode(GetACLResponse.Read).Acl);
        Assert.Equal(ErrorCode.Ok, alice.AddAuth("x509", ""));
        var plain = h.Connect();
        plain.CallExpect(ErrorCode.NoAuth, OpCode.GetData, new GetDataRequest("/a", false));
        Assert.Equal([7], admin.GetData("/a").Data); // super via X509SuperUser
        // x509 without a certificate is AUTHFAILED.
        Assert.Equal(ErrorCode.AuthFailed, plain.AddAuth("x509", ""));
        Assert.True(plain.Closed);
    }

    [Fact]
    public void X509_ids_are_invalid_acls_unless_the_provider_is_enabled()
    {
        var h = new Harness();
        var c = h.Connect(x509Subject: "CN=alice");
        c.CallExpect(ErrorCode.InvalidAcl, OpCode.Create, new CreateRequest("/x", null, [new Acl(Perms.All, new Id("x509", "CN=alice"))], CreateMode.Persistent));
        // Without the provider the certificate gives no identity, so auth has nothing to expand to.
        c.CallExpect(ErrorCode.InvalidAcl, OpCode.Create, new CreateRequest("/x", null, [new Acl(Perms.All, new Id("auth", ""))], CreateMode.Persistent));
    }
}
