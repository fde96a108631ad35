using Corral.Core.Server;
using Corral.Core.Tests.Support;
using Corral.Protocol;

namespace Corral.Core.Tests.Server;

public class ReaperTests
{
    [Fact]
    public void Empty_containers_that_had_a_child_are_deleted_at_the_check_interval()
    {
        var h = new Harness(new CoreOptions { ContainerCheckIntervalMs = 1000, TickTimeMs = 1000, MaxSessionTimeoutMs = 3_600_000 });
        var c = h.Connect(timeout: 3_600_000);
        c.CallExpect(ErrorCode.Ok, OpCode.CreateContainer, new CreateRequest("/never", null, Acl.OpenAclUnsafe, CreateMode.Container));
        c.CallExpect(ErrorCode.Ok, OpCode.CreateContainer, new CreateRequest("/used", null, Acl.OpenAclUnsafe, CreateMode.Container));
        c.CallExpect(ErrorCode.Ok, OpCode.CreateContainer, new CreateRequest("/busy", null, Acl.OpenAclUnsafe, CreateMode.Container));
        c.Create("/used/x");
        c.Create("/busy/x");
        c.Delete("/used/x");
        c.Exists("/used", watch: true);

        h.Time.AdvanceMs(999);
        h.Core.Tick();
        Assert.NotNull(h.Core.Tree.Find("/used"));

        h.Time.AdvanceMs(1);
        h.Core.Tick();
        Assert.Null(h.Core.Tree.Find("/used"));
        Assert.NotNull(h.Core.Tree.Find("/never"));
        Assert.NotNull(h.Core.Tree.Find("/busy"));
        var ev = c.Next();
        Assert.Equal(new WatcherEvent(EventType.NodeDeleted, KeeperState.SyncConnected, "/used"), ev.Event);
        Assert.Equal(h.Core.LastProcessedZxid, ev.Header.Zxid);
    }

    [Fact]
    public void Ttl_nodes_are_deleted_once_idle_longer_than_their_ttl_and_childless()
    {
        var h = new Harness(new CoreOptions { ExtendedTypesEnabled = true, ContainerCheckIntervalMs = 1000, TickTimeMs = 1000, MaxSessionTimeoutMs = 3_600_000 });
        var c = h.Connect(timeout: 3_600_000);
        c.CallExpect(ErrorCode.Ok, OpCode.CreateTtl, new CreateTTLRequest("/t", null, Acl.OpenAclUnsafe, (int)CreateMode.PersistentWithTtl, 2500));
        c.CallExpect(ErrorCode.Ok, OpCode.CreateTtl, new CreateTTLRequest("/parent", null, Acl.OpenAclUnsafe, (int)CreateMode.PersistentWithTtl, 10));
        c.Create("/parent/kid");
        h.Time.AdvanceMs(2000);
        h.Core.Tick();
        c.SetData("/t", [1]); // refreshes mtime
        h.Time.AdvanceMs(2000);
        h.Core.Tick();
        Assert.NotNull(h.Core.Tree.Find("/t"));
        h.Time.AdvanceMs(1000);
        h.Core.Tick();
        Assert.Null(h.Core.Tree.Find("/t"));
        Assert.NotNull(h.Core.Tree.Find("/parent"));
    }
}
