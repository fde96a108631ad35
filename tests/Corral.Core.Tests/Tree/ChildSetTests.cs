using System.Text;
using Corral.Core.Tree;

namespace Corral.Core.Tests.Tree;

/// <summary>
/// The child set against a HashSet model: random adds and removes across the dense array, the first
/// hashed table and many 1.5x growths (table lengths that are not powers of two, so slots come from
/// multiply-shift and probes wrap at an arbitrary length), checking membership after every step.
/// </summary>
public class ChildSetTests
{
    private static ZNode Node(string name) => new(Encoding.UTF8.GetBytes(name), [], false);

    [Theory]
    [InlineData(1, 20)]
    [InlineData(2, 300)]
    [InlineData(3, 5000)]
    public void Matches_a_set_model_under_random_adds_and_removes(int seed, int names)
    {
        var rnd = new Random(seed);
        var set = new ChildSet();
        var model = new HashSet<string>();
        for (int step = 0; step < names * 6; step++)
        {
            string name = "c" + rnd.Next(names);
            // Grow for the first half, then mostly shrink, so both directions cross the table sizes.
            bool add = rnd.Next(100) < (step < names * 3 ? 70 : 30);
            if (add && model.Add(name)) set.Add(Node(name));
            else if (!add) Assert.Equal(model.Remove(name), set.Remove(Encoding.UTF8.GetBytes(name)));
            Assert.Equal(model.Count, set.Count);
            string sample = "c" + rnd.Next(names);
            Assert.Equal(model.Contains(sample), set.Find(Encoding.UTF8.GetBytes(sample)) is not null);
            if (step % Math.Max(97, names / 2) == 0 || step == names * 6 - 1)
            {
                for (int i = 0; i < names; i++)
                {
                    string probe = "c" + i;
                    var found = set.Find(Encoding.UTF8.GetBytes(probe));
                    Assert.Equal(model.Contains(probe), found is not null);
                    if (found is not null) Assert.Equal(probe, found.Name);
                }
                Assert.Equal(model.Order(StringComparer.Ordinal), set.Select(n => n.Name).Order(StringComparer.Ordinal));
            }
        }
    }

    [Fact]
    public void Replace_swaps_the_object_under_the_same_name_in_a_hashed_set()
    {
        var set = new ChildSet();
        var nodes = Enumerable.Range(0, 100).Select(i => Node("n" + i)).ToList();
        foreach (var n in nodes) set.Add(n);
        var parent = new ZParentNode(nodes[42]);
        set.Replace(nodes[42], parent);
        Assert.Same(parent, set.Find("n42"u8));
        Assert.Equal(100, set.Count);
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 40)]
    [InlineData(3, 3000)]
    public void TryAdd_after_EnsureCapacity_refuses_duplicates_and_matches_a_set_model(int seed, int names)
    {
        var rnd = new Random(seed);
        var set = new ChildSet();
        var model = new HashSet<string>();
        for (int round = 0; round < 4; round++)
        {
            var run = Enumerable.Range(0, names).Select(_ => "c" + rnd.Next(names * 2)).ToList();
            set.EnsureCapacity(set.Count + run.Count);
            foreach (var name in run)
            {
                Assert.Equal(model.Add(name), set.TryAdd(Node(name)));
                Assert.Equal(model.Count, set.Count);
            }
            for (int i = 0; i < names * 2; i++)
                Assert.Equal(model.Contains("c" + i), set.Find(Encoding.UTF8.GetBytes("c" + i)) is not null);
            // Removals after a presized run keep every probe chain intact.
            foreach (var name in run.Take(names / 3))
                Assert.Equal(model.Remove(name), set.Remove(Encoding.UTF8.GetBytes(name)));
        }
        Assert.Equal(model.Order(), set.Select(n => n.Name).Order());
    }
}
