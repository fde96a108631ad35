using System.Text;
using Corral.Core.Quotas;
using Corral.Core.Server;
using Corral.Core.Tests.Support;
using Corral.Protocol;

namespace Corral.Core.Tests.Server;

/// <summary>
/// Quotas as ZooKeeper 3.8 keeps and enforces them: the client (zkCli's setquota) writes the limits
/// and an initial stats node; the server recounts the subtree when the stats node appears, keeps it
/// current on every create/delete/setData, and with enforceQuota refuses writes over a hard limit.
/// </summary>
public class QuotaTests
{
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>What zkCli's setquota does for a new quota on <paramref name="path"/>.</summary>
    private static void SetQuota(TestClient c, string path, StatsTrack limits)
    {
        string quotaPath = QuotaPaths.QuotaRoot;
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            quotaPath += "/" + part;
            c.Create(quotaPath);
        }
        c.Create(QuotaPaths.LimitPath(path), limits.ToBytes());
        c.Create(QuotaPaths.StatPath(path), new StatsTrack { Count = 0, Bytes = 0 }.ToBytes());
    }

    private static string Stats(TestClient c, string path) => Encoding.UTF8.GetString(c.GetData(QuotaPaths.StatPath(path)).Data!);

    [Fact]
    public void Stats_are_recounted_when_the_quota_appears_and_follow_every_write()
    {
        var h = new Harness();
        var c = h.Connect();
        c.Create("/app", Utf8("abc"));
        c.Create("/app/a", Utf8("12345"));
        SetQuota(c, "/app", new StatsTrack { Count = 10, Bytes = -1 });
        Assert.Equal("count=2,bytes=8", Stats(c, "/app"));
        var statStat = c.Exists(QuotaPaths.StatPath("/app"));

        c.Create("/app/a/deep", Utf8("xy"));
        Assert.Equal("count=3,bytes=10", Stats(c, "/app"));
        c.SetData("/app/a", Utf8("1"));
        Assert.Equal("count=3,bytes=6", Stats(c, "/app"));
        c.Delete("/app/a/deep");
        Assert.Equal("count=2,bytes=4", Stats(c, "/app"));
        c.Create("/other", Utf8("zzz")); // outside the quota
        Assert.Equal("count=2,bytes=4", Stats(c, "/app"));

        // Like ZooKeeper, the server changes only the stats node's data, never its version or zxids.
        var after = c.Exists(QuotaPaths.StatPath("/app"));
        Assert.Equal((statStat.Version, statStat.Mzxid), (after.Version, after.Mzxid));
        Assert.Equal("count=2,bytes=4".Length, after.DataLength);
    }

    [Fact]
    public void Without_enforcement_limits_are_only_reported()
    {
        var warnings = new List<string>();
        var h = new Harness(new CoreOptions { QuotaWarning = warnings.Add });
        var c = h.Connect();
        c.Create("/q");
        SetQuota(c, "/q", new StatsTrack { Count = -1, Bytes = -1, CountHardLimit = 2 });
        c.Create("/q/1");
        c.Create("/q/2");
        Assert.Equal("count=3,bytes=0", Stats(c, "/q"));
        Assert.Equal(["Quota exceeded: /q [current count=3, hardCountLimit=2]"], warnings);
        Assert.Equal((1L, 0L), (h.Core.Quotas.SoftLimitExceeded, h.Core.Quotas.HardLimitRejected));
    }

    [Fact]
    public void Enforced_hard_limits_refuse_creates_and_growing_setData_with_QuotaExceeded()
    {
        var warnings = new List<string>();
        var h = new Harness(new CoreOptions { EnforceQuota = true, QuotaWarning = warnings.Add });
        var c = h.Connect();
        c.Create("/q", Utf8("1234"));
        SetQuota(c, "/q", new StatsTrack { Count = -1, Bytes = -1, CountHardLimit = 2, ByteHardLimit = 10 });
        c.Create("/q/a");
        c.CallExpect(ErrorCode.QuotaExceeded, OpCode.Create2, new CreateRequest("/q/b", [], Acl.OpenAclUnsafe, 0));
        c.CallExpect(ErrorCode.QuotaExceeded, OpCode.Create, new CreateRequest("/q/a/deeper", [], Acl.OpenAclUnsafe, 0));
        Assert.Null(h.Core.Tree.Find("/q/b"));

        c.SetData("/q/a", Utf8("123456")); // 4 + 6 = 10 bytes: at the limit, allowed
        c.CallExpect(ErrorCode.QuotaExceeded, OpCode.SetData, new SetDataRequest("/q/a", Utf8("1234567"), -1));
        // The quota is checked before the version, as in ZooKeeper's PrepRequestProcessor.
        c.CallExpect(ErrorCode.QuotaExceeded, OpCode.SetData, new SetDataRequest("/q/a", Utf8("1234567"), 99));
        c.SetData("/q", Utf8("")); // shrinking is always allowed
        Assert.Equal("count=2,bytes=6", Stats(c, "/q"));
        Assert.Equal(4, h.Core.Quotas.HardLimitRejected);
        Assert.Equal("Quota exceeded: /q [current count=3, hardCountLimit=2]", warnings[0]);
        Assert.Equal("Quota exceeded: /q [current bytes=11, hardByteLimit=10]", warnings[2]);
    }

    [Fact]
    public void Soft_limits_never_refuse_and_a_hard_limit_takes_precedence_over_the_soft_one()
    {
        var h = new Harness(new CoreOptions { EnforceQuota = true });
        var c = h.Connect();
        c.Create("/s");
        SetQuota(c, "/s", new StatsTrack { Count = 1, Bytes = 1 });
        c.Create("/s/a", Utf8("abc"));
        Assert.Equal((2L, 0L), (h.Core.Quotas.SoftLimitExceeded, h.Core.Quotas.HardLimitRejected));

        c.Create("/h");
        SetQuota(c, "/h", new StatsTrack { Count = 1, Bytes = -1, CountHardLimit = 3 });
        c.Create("/h/a"); // over the soft count (1) but within the hard one (3): only the hard one is checked
        c.Create("/h/b");
        c.CallExpect(ErrorCode.QuotaExceeded, OpCode.Create, new CreateRequest("/h/c", [], Acl.OpenAclUnsafe, 0));
        Assert.Equal((2L, 1L), (h.Core.Quotas.SoftLimitExceeded, h.Core.Quotas.HardLimitRejected));
    }

    [Fact]
    public void A_failing_create_inside_a_multi_fails_the_whole_multi_with_QuotaExceeded()
    {
        var h = new Harness(new CoreOptions { EnforceQuota = true });
        var c = h.Connect();
        c.Create("/m");
        SetQuota(c, "/m", new StatsTrack { Count = -1, Bytes = -1, CountHardLimit = 1 });
        var frame = c.Call(OpCode.Multi, new MultiRequest(
        [
            MultiOp.SetData(new SetDataRequest("/m", [1], -1)),
            MultiOp.Create(new CreateRequest("/m/x", [], Acl.OpenAclUnsafe, 0)),
        ]));
        Assert.Equal(
            [new ErrorResult(ErrorCode.Ok), new ErrorResult(ErrorCode.QuotaExceeded)],
            frame.Decode(MultiResponse.Read).Results);
        Assert.Null(h.Core.Tree.Find("/m/x"));
        Assert.Equal(0, c.Exists("/m").Version);
    }

    [Fact]
    public void Deleting_the_limits_node_ends_the_quota_and_a_snapshot_restores_quotas_with_recounted_stats()
    {
        var h = new Harness(new CoreOptions { EnforceQuota = true });
        var c = h.Connect();
        c.Create("/r", Utf8("ab"));
        SetQuota(c, "/r", new StatsTrack { Count = -1, Bytes = -1, CountHardLimit = 2 });
        c.Create("/r/1");

        var snap = new MemoryStream();
        h.Core.WriteSnapshot(snap);
        snap.Position = 0;
        var restored = new Harness(new CoreOptions { EnforceQuota = true });
        restored.Core.LoadSnapshot(snap);
        Assert.Equal(["/r"], restored.Core.Tree.QuotaRoots);
        Assert.Equal(h.Core.Tree.Digest, restored.Core.Tree.Digest);
        var rc = restored.Connect();
        rc.CallExpect(ErrorCode.QuotaExceeded, OpCode.Create, new CreateRequest("/r/2", [], Acl.OpenAclUnsafe, 0));
        Assert.Equal("count=2,bytes=2", Stats(rc, "/r"));

        c.Delete(QuotaPaths.LimitPath("/r"));
        Assert.Empty(h.Core.Tree.QuotaRoots);
        c.Create("/r/2");
        Assert.Equal("count=2,bytes=2", Stats(c, "/r")); // no longer kept once the quota is gone
    }
}
