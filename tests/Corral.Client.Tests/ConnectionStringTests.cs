namespace Corral.Client.Tests;

public sealed class ConnectionStringTests
{
    [Fact]
    public void Parses_hosts_ports_and_chroot()
    {
        var cs = ConnectionString.Parse("zk1:2181, zk2 ,[::1]:2888/app/x");
        Assert.Equal(3, cs.Hosts.Count);
        Assert.Equal(("zk1", 2181), (cs.Hosts[0].Host, cs.Hosts[0].Port));
        Assert.Equal(("zk2", 2181), (cs.Hosts[1].Host, cs.Hosts[1].Port));
        Assert.Equal(("::1", 2888), (cs.Hosts[2].Host, cs.Hosts[2].Port));
        Assert.Equal("/app/x", cs.Chroot);
        Assert.Equal("zk1:2181,zk2:2181,[::1]:2888/app/x", cs.ToString());
    }

    [Fact]
    public void Maps_paths_through_the_chroot()
    {
        var cs = ConnectionString.Parse("h:1/app");
        Assert.Equal("/app", cs.ToServerPath("/"));
        Assert.Equal("/app/a", cs.ToServerPath("/a"));
        Assert.Equal("/", cs.ToClientPath("/app"));
        Assert.Equal("/a/b", cs.ToClientPath("/app/a/b"));
        Assert.Equal("/apple", cs.ToClientPath("/apple"));
        Assert.Null(ConnectionString.Parse("h:1/").Chroot);
    }

    [Theory]
    [InlineData("")]
    [InlineData("h:notaport")]
    [InlineData("h:70000")]
    [InlineData("h:1/bad/")]
    [InlineData(",")]
    public void Rejects_malformed_strings(string text) =>
        Assert.ThrowsAny<ArgumentException>(() => ConnectionString.Parse(text));
}
