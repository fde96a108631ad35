using Corral.Server.Configuration;
using Corral.Server.Hosting;

namespace Corral.Server.Tests.Configuration;

/// <summary>zookeeper.enforceQuota (a system property in ZooKeeper) is accepted in zoo.cfg under both spellings.</summary>
public sealed class EnforceQuotaConfigTests
{
    [Theory]
    [InlineData("enforceQuota=true", true)]
    [InlineData("zookeeper.enforceQuota=yes", true)]
    [InlineData("zookeeper.enforceQuota=false", false)]
    [InlineData("tickTime=2000", false)]
    public void Reaches_the_core(string line, bool expected)
    {
        var options = ZooCfgParser.Parse(line);
        Assert.Equal(expected, options.EnforceQuota);
        Assert.Equal(expected, CoreFactory.ToCoreOptions(options).EnforceQuota);
        Assert.Empty(options.UnrecognizedKeys);
    }

    [Fact]
    public void A_bad_value_names_the_key()
    {
        var e = Assert.Throws<ConfigurationException>(() => ZooCfgParser.Parse("zookeeper.enforceQuota=maybe"));
        Assert.Contains("zookeeper.enforceQuota=maybe", e.Message);
    }
}
