using Corral.Recipes.Tests.Infrastructure;

namespace Corral.Recipes.Tests;

/// <summary>Issue #8 asks that every recipe passes against Corral and Apache ZooKeeper: no suite may run on one server only.</summary>
public sealed class TierCoverageTests
{
    [Fact]
    public void Every_recipe_suite_runs_against_both_servers()
    {
        var types = typeof(RecipeTestBase).Assembly.GetTypes();
        var suites = types.Where(t => t.IsAbstract && t.IsSubclassOf(typeof(RecipeTestBase))).ToList();
        Assert.NotEmpty(suites);
        foreach (var suite in suites)
        {
            var fixtures = types
                .Where(t => !t.IsAbstract && t.BaseType == suite)
                .SelectMany(t => t.GetInterfaces())
                .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IClassFixture<>))
                .Select(i => i.GetGenericArguments()[0])
                .ToHashSet();
            Assert.True(fixtures.SetEquals([typeof(FastTickCorral), typeof(FastTickZooKeeper)]),
                $"{suite.Name} runs against {string.Join(", ", fixtures.Select(f => f.Name))}");
        }
    }
}
