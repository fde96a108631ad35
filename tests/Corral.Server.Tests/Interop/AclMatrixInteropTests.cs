using Corral.Server.Tests.Fixtures;

namespace Corral.Server.Tests.Interop;

/// <summary>
/// The ACL matrix through a real client (kazoo): 12 operations x 12 permission sets x 7 schemes,
/// 1,008 cases, against Corral and, as the companion run, Apache ZooKeeper 3.8. The script holds
/// one rule for both; the only difference is --zk38 for exists, which 3.8 answers without a READ
/// check (3.9 and Corral check it).
/// </summary>
public static class AclMatrixInterop
{
    public static Task RunAsync(string connectString, bool zk38) =>
        InteropScripts.RunAndAssertAsync("acl_matrix.py", connectString, TimeSpan.FromSeconds(240), zk38 ? ["--zk38"] : []);
}

[Collection(CorralServerCollection.Name)]
public sealed class CorralAclMatrixInteropTests(CorralServerFixture corral)
{
    [Fact]
    public Task Kazoo_acl_matrix_gives_zookeepers_codes() => AclMatrixInterop.RunAsync(corral.ConnectString, zk38: false);
}

[Collection(ApacheZooKeeperCollection.Name)]
public sealed class ApacheZooKeeperAclMatrixInteropTests(ApacheZooKeeperFixture zk)
{
    [Fact]
    public Task Kazoo_acl_matrix_gives_zookeepers_codes() => AclMatrixInterop.RunAsync(zk.ConnectString, zk38: true);
}
