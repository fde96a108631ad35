using Corral.Client.Tests.Infrastructure;
using Corral.Protocol;

namespace Corral.Client.Tests;

public abstract partial class ClientSuite
{
    [Fact]
    public async Task Transaction_applies_all_operations_atomically()
    {
        await using var zk = await ConnectAsync();
        await zk.CreateAsync(Root, Bytes(""));
        var results = await zk.Transaction()
            .Create(Root + "/a", "1")
            .Create(Root + "/a/b", "2")
            .SetData(Root + "/a", "3", version: 0)
            .Check(Root + "/a", 1)
            .Delete(Root + "/a/b")
            .CommitAsync();
        Assert.Equal(5, results.Count);
        Assert.Equal(Root + "/a", Assert.IsType<CreateResult>(results[0]).Path);
        Assert.Equal(Root + "/a/b", Assert.IsType<CreateResult>(results[1]).Path);
        var set = Assert.IsType<SetDataResult>(results[2]);
        Assert.Equal(1, set.Stat.Version);
        Assert.IsType<CheckResult>(results[3]);
        Assert.IsType<DeleteResult>(results[4]);
        // All operations shared one zxid.
        Assert.Equal(set.Stat.Czxid, set.Stat.Mzxid);
        Assert.Equal("3", (await zk.GetDataAsync(Root + "/a")).DataAsString);
    }

    [Fact]
    public async Task Failed_transaction_applies_nothing_and_reports_each_result()
    {
        await using var zk = await ConnectAsync();
        await zk.CreateAsync(Root, Bytes(""));
        var e = await Assert.ThrowsAsync<ZooKeeperException>(() => zk.Transaction()
            .Create(Root + "/new", "x")
            .Delete(Root + "/missing")
            .SetData(Root, "y")
            .CommitAsync());
        Assert.Equal(ErrorCode.NoNode, e.Code);
        Assert.Equal(Root + "/missing", e.Path);
        Assert.Equal([ErrorCode.Ok, ErrorCode.NoNode, ErrorCode.RuntimeInconsistency],
            e.Results!.Select(r => Assert.IsType<ErrorResult>(r).Err));
        Assert.Null(await zk.ExistsAsync(Root + "/new"));
    }

    [Fact]
    public async Task MultiRead_returns_each_read_independently()
    {
        await using var zk = await ConnectAsync();
        await zk.CreateAsync(Root, Bytes("root"));
        await zk.CreateAsync(Root + "/k", Bytes(""));
        var results = await zk.MultiRead().GetData(Root).GetChildren(Root).GetData(Root + "/nope").ExecuteAsync();
        var data = Assert.IsType<GetDataResult>(results[0]);
        Assert.Equal("root"u8.ToArray(), data.Data);
        Assert.Equal(1, data.Stat.NumChildren);
        Assert.Equal(["k"], Assert.IsType<GetChildrenResult>(results[1]).Children);
        Assert.Equal(ErrorCode.NoNode, Assert.IsType<ErrorResult>(results[2]).Err);
    }

    [Fact]
    public async Task Many_pipelined_requests_complete_in_call_order()
    {
        await using var zk = await ConnectAsync();
        await zk.CreateAsync(Root, Bytes(""));
        const int count = 500;
        var tasks = new Task<CreatedNode>[count];
        var laterCompletedFirst = new List<int>();
        for (int i = 0; i < count; i++)
        {
            // Called without awaiting: all are queued now, in this order, on one connection.
            tasks[i] = zk.CreateAsync($"{Root}/n{i:D4}", Bytes(""));
        }
        // FIFO completion: when request i is seen complete, every earlier request already is.
        var checks = tasks.Select((t, i) => t.ContinueWith(_ =>
        {
            if (tasks.Take(i).Any(earlier => !earlier.IsCompleted)) lock (laterCompletedFirst) laterCompletedFirst.Add(i);
        }, TaskContinuationOptions.ExecuteSynchronously)).ToArray();
        await Task.WhenAll(checks).Within();
        var created = tasks.Select(t => t.Result).ToList();
        for (int i = 1; i < count; i++) Assert.True(created[i].Stat.Czxid > created[i - 1].Stat.Czxid, "zxids follow call order");
        Assert.Empty(laterCompletedFirst);
        Assert.Equal(count, (await zk.GetChildrenAsync(Root)).Children.Count);
    }

    [Fact]
    public async Task Cancelled_request_does_not_disturb_the_ones_after_it()
    {
        await using var zk = await ConnectAsync();
        using var cts = new CancellationTokenSource();
        var cancelled = zk.GetDataAsync("/", cts.Token);
        cts.Cancel();
        var next = zk.ExistsAsync("/");
        // A fast server may answer before the cancel lands; either way the request ends and the
        // one queued behind it is answered normally.
        var outcome = await Record.ExceptionAsync(() => cancelled.Within());
        Assert.True(outcome is null or OperationCanceledException, $"unexpected {outcome}");
        Assert.NotNull(await next.Within());

        // Cancelled before it is sent: always OperationCanceledException, and the connection stays usable.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => zk.GetDataAsync("/", new CancellationToken(canceled: true)));
        Assert.NotNull(await zk.ExistsAsync("/"));
    }

    [Fact]
    public async Task Create_with_parents_and_recursive_delete()
    {
        await using var zk = await ConnectAsync();
        var deep = await zk.CreateWithParentsAsync(Root + "/x/y/z", Bytes("deep"));
        Assert.Equal(Root + "/x/y/z", deep.Path);
        Assert.NotNull(await zk.ExistsAsync(Root + "/x/y"));
        await zk.CreateWithParentsAsync(Root + "/x/w", Bytes(""));
        Assert.Equal(4, await zk.GetAllChildrenNumberAsync(Root));
        await zk.DeleteRecursiveAsync(Root);
        Assert.Null(await zk.ExistsAsync(Root));
        await zk.DeleteRecursiveAsync(Root); // already gone: not an error
    }

    [Fact]
    public async Task Protected_create_names_the_node_with_a_guid_marker()
    {
        await using var zk = await ConnectAsync();
        var node = await zk.CreateProtectedAsync(Root + "/lock-", Bytes(""));
        string name = PathUtils.NameOf(node.Path);
        Assert.StartsWith(CorralClient.ProtectedPrefix, name);
        Assert.Matches(@"^_c_[0-9a-f-]{36}-lock-\d{10}$", name);
        Assert.Equal(zk.SessionId, node.Stat.EphemeralOwner);
    }
}
