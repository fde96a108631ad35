using Corral.Core.Tree;
using Corral.Core.Txns;
using Corral.Protocol;
using Xunit.Abstractions;

namespace Corral.Core.Tests.Tree;

[CollectionDefinition(nameof(MemoryFootprint), DisableParallelization = true)]
public sealed class MemoryFootprint;

/// <summary>
/// Retained bytes per znode with 100 bytes of data. The default tier builds 200,000 nodes; set
/// CORRAL_MEMORY_NODES=1000000 to measure at a million. Runs alone so other tests' garbage does not skew it.
/// </summary>
[Collection(nameof(MemoryFootprint))]
public class MemoryFootprintTests(ITestOutputHelper output)
{
    [Fact]
    public void A_znode_with_100_bytes_of_data_costs_at_most_215_bytes()
    {
        int total = int.TryParse(Environment.GetEnvironmentVariable("CORRAL_MEMORY_NODES"), out var n) ? n : 200_000;
        const int perParent = 1000;
        var data = new byte[100];
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var tree = new DataTree();
        long zxid = 1;
        int parents = Math.Max(1, total / perParent);
        for (int p = 0; p < parents; p++)
        {
            string parent = $"/p{p:D5}";
            tree.Apply(new TxnHeader(1, 1, zxid, zxid, TxnType.Create), new CreateTxn(parent, null, Acl.OpenAclUnsafe, 0, p + 1));
            zxid++;
            for (int i = 0; i < perParent; i++, zxid++)
                tree.Apply(new TxnHeader(1, 1, zxid, zxid, TxnType.Create), new CreateTxn($"{parent}/n{i:D6}", data, Acl.OpenAclUnsafe, 0, i + 1));
        }
        long after = GC.GetTotalMemory(forceFullCollection: true);
        double perNode = (double)(after - before) / (tree.NodeCount - 4);
        output.WriteLine($"{tree.NodeCount} nodes: {perNode:F1} bytes per node");
        Assert.Equal(parents * (perParent + 1) + 4, tree.NodeCount);
        // 40-byte node + 152-byte payload array + ~12 bytes of child-set slot (ZNodeLayoutTests pins the first two exactly).
        Assert.InRange(perNode, 100, 215);
        GC.KeepAlive(tree);
    }
}
