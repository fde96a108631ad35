using Corral.Server.Configuration;

namespace Corral.Server.Tests.Configuration;

public sealed class ZooCfgParserTests
{
    [Fact]
    public void DefaultsMatchAFreshZooKeeperInstall()
    {
        var o = new CorralServerOptions();
        Assert.Equal(2000, o.TickTime);
        Assert.Equal(2181, o.ClientPort);
        Assert.Equal("127.0.0.1", o.ClientPortAddress);
        Assert.Equal("data", o.DataDir);
        Assert.Equal("data", o.EffectiveDataLogDir);
        Assert.Equal(60, o.MaxClientCnxns);
        Assert.Equal(4000, o.EffectiveMinSessionTimeout);
        Assert.Equal(40000, o.EffectiveMaxSessionTimeout);
        Assert.False(o.ExtendedTypesEnabled);
        Assert.Equal(new HashSet<string> { "srvr" }, o.FourLetterWordWhitelist);
        Assert.Equal(60_000, o.ContainerCheckIntervalMs);
        Assert.Equal(100_000, o.SnapCount);
        Assert.True(o.ForceSync);
        Assert.Equal(1000, o.GlobalOutstandingLimit);
        o.Validate();
    }

    [Fact]
    public void ParsesTheSampleConfigAndEveryKnownKey()
    {
        var o = ZooCfgParser.Parse("""
            # The number of milliseconds of each tick
            tickTime=3000
            ! also a comment
            initLimit=10
            syncLimit = 5
            dataDir=/var/lib/zk
            dataLogDir=/var/log/zk
            clientPort=2281
            clientPortAddress=0.0.0.0
            maxClientCnxns=0
            minSessionTimeout=5000
            maxSessionTimeout=90000
            zookeeper.extendedTypesEnabled=true
            4lw.commands.whitelist=ruok, srvr ,mntr
            znode.container.checkIntervalMs=500
            snapCount=5000
            autopurge.snapRetainCount=5
            autopurge.purgeInterval=24
            forceSync=no
            admin.enableServer=false
            admin.serverPort=9090
            globalOutstandingLimit=50
            DigestAuthenticationProvider.superDigest=super:D/InIHSb7yEEbrWz8b9l71RjZJU=
            server.1=zk1:2888:3888
            server.2=zk2:2888:3888:observer;10.0.0.2:2181
            myCustomKey=whatever
            """);
        Assert.Equal(3000, o.TickTime);
        Assert.Equal(5, o.SyncLimit);
        Assert.Equal("/var/lib/zk", o.DataDir);
        Assert.Equal("/var/log/zk", o.EffectiveDataLogDir);
        Assert.Equal(2281, o.ClientPort);
        Assert.Equal("0.0.0.0", o.ClientPortAddress);
        Assert.Equal(0, o.MaxClientCnxns);
        Assert.Equal(5000, o.EffectiveMinSessionTimeout);
        Assert.Equal(90000, o.EffectiveMaxSessionTimeout);
        Assert.True(o.ExtendedTypesEnabled);
        Assert.Equal(new HashSet<string> { "ruok", "srvr", "mntr" }, o.FourLetterWordWhitelist);
        Assert.Equal(500, o.ContainerCheckIntervalMs);
        Assert.Equal(5000, o.SnapCount);
        Assert.Equal(5, o.AutopurgeSnapRetainCount);
        Assert.Equal(24, o.AutopurgePurgeInterval);
        Assert.False(o.ForceSync);
        Assert.False(o.AdminEnableServer);
        Assert.Equal(9090, o.AdminServerPort);
        Assert.Equal(50, o.GlobalOutstandingLimit);
        Assert.Equal("super:D/InIHSb7yEEbrWz8b9l71RjZJU=", o.SuperDigest);
        Assert.Equal([new QuorumServerSpec(1, "zk1", 2888, 3888, "participant", null, null),
                      new QuorumServerSpec(2, "zk2", 2888, 3888, "observer", "10.0.0.2", 2181)], o.Servers);
        Assert.Equal("whatever", o.UnrecognizedKeys["myCustomKey"]);
        o.Validate();
    }

    [Theory]
    [InlineData("tickTime=abc", "zoo.cfg:1: tickTime=abc: not a valid integer")]
    [InlineData("\nclientPort=21x81", "zoo.cfg:2: clientPort=21x81: not a valid integer")]
    [InlineData("forceSync=maybe", "zoo.cfg:1: forceSync=maybe: expected true/false (or yes/no)")]
    [InlineData("4lw.commands.whitelist=ruok,status", "zoo.cfg:1: 4lw.commands.whitelist=ruok,status: 'status' is not a four-letter word (or *)")]
    [InlineData("server.x=a:1:2", "zoo.cfg:1: server.x=a:1:2: the server id after 'server.' must be a non-negative integer")]
    [InlineData("server.1=a:99999:2", "zoo.cfg:1: server.1=a:99999:2: '99999' is not a valid port")]
    [InlineData("server.1=a:1:2:leader", "zoo.cfg:1: server.1=a:1:2:leader: role 'leader' must be participant or observer")]
    [InlineData("just some words", "zoo.cfg:1: 'just some words' is not a key=value line")]
    [InlineData("dataDir=", "zoo.cfg:1: dataDir=: value must not be empty")]
    [InlineData("admin.trustedAddresses=10.0.0.1,nowhere", "zoo.cfg:1: admin.trustedAddresses=10.0.0.1,nowhere: 'nowhere' is not an IP address or CIDR block")]
    [InlineData("audit.enable=sometimes", "zoo.cfg:1: audit.enable=sometimes: expected true/false (or yes/no)")]
    [InlineData("4lw.costlyCommandsPerSecond=many", "zoo.cfg:1: 4lw.costlyCommandsPerSecond=many: not a valid integer")]
    [InlineData("preAllocSize=64M", "zoo.cfg:1: preAllocSize=64M: not a valid integer")]
    [InlineData("zookeeper.preAllocSize=1.5", "zoo.cfg:1: zookeeper.preAllocSize=1.5: not a valid integer")]
    [InlineData("snapSizeLimitInKb=4GB", "zoo.cfg:1: snapSizeLimitInKb=4GB: not a valid integer")]
    public void ParseErrorsNameTheLineKeyAndValue(string text, string message)
    {
        var e = Assert.Throws<ConfigurationException>(() => ZooCfgParser.Parse(text));
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("tickTime=0", "tickTime=0: must be a positive number of milliseconds")]
    [InlineData("clientPort=70000", "clientPort=70000: must be between 0 and 65535")]
    [InlineData("clientPortAddress=not-an-ip", "clientPortAddress=not-an-ip: is not an IP address")]
    [InlineData("maxClientCnxns=-1", "maxClientCnxns=-1: must be 0 (unlimited) or positive")]
    [InlineData("minSessionTimeout=50000", "minSessionTimeout (50000) must not be greater than maxSessionTimeout (40000)")]
    [InlineData("autopurge.snapRetainCount=2", "autopurge.snapRetainCount=2: must be at least 3")]
    [InlineData("admin.serverPort=65536", "admin.serverPort=65536: must be between 0 and 65535")]
    [InlineData("admin.serverAddress=example", "admin.serverAddress=example: is not an IP address")]
    [InlineData("admin.commandURL=commands", "admin.commandURL=commands: must start with /")]
    [InlineData("4lw.costlyCommandsPerSecond=-1", "4lw.costlyCommandsPerSecond=-1: must be 0 (unlimited) or positive")]
    [InlineData("globalOutstandingLimit=0", "globalOutstandingLimit=0: must be at least 1")]
    [InlineData("preAllocSize=-1", "preAllocSize=-1: must be 0 (no preallocation) or a positive number of KB")]
    [InlineData("preAllocSize=9007199254740992", "preAllocSize=9007199254740992: must be at most 9007199254740991 KB")]
    [InlineData("snapSizeLimitInKb=9007199254740992", "snapSizeLimitInKb=9007199254740992: must be at most 9007199254740991 KB (0 or less disables it)")]
    public void ValidationNamesTheKeyAndValue(string text, string message)
    {
        var o = ZooCfgParser.Parse(text);
        var e = Assert.Throws<ConfigurationException>(o.Validate);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void ParsesTheOperationsKeys()
    {
        var o = ZooCfgParser.Parse("""
            admin.enableServer=false
            admin.serverAddress=0.0.0.0
            admin.serverPort=9090
            admin.commandURL=/api
            admin.authToken=abc
            admin.trustedAddresses=10.0.0.0/8, ::1
            4lw.costlyCommandsPerSecond=2
            audit.enable=true
            globalOutstandingLimit=50
            """);
        Assert.False(o.AdminEnableServer);
        Assert.Equal("0.0.0.0", o.AdminServerAddress);
        Assert.Equal(9090, o.AdminServerPort);
        Assert.Equal("/api", o.AdminCommandUrl);
        Assert.Equal("abc", o.AdminAuthToken);
        Assert.Equal(["10.0.0.0/8", "::1"], o.AdminTrustedAddresses);
        Assert.Equal(2, o.CostlyCommandsPerSecond);
        Assert.True(o.AuditEnable);
        Assert.Equal(50, o.GlobalOutstandingLimit);
        Assert.Empty(o.UnrecognizedKeys);
        o.Validate();
    }

    [Fact]
    public void AdminDefaultsAreLoopbackPort8080WithNoCredentials()
    {
        // On for a zoo.cfg (ZooKeeper's default), off for options built in code (embedded servers, tests).
        Assert.True(ZooCfgParser.Parse("tickTime=2000").AdminEnableServer);
        var o = new CorralServerOptions();
        Assert.False(o.AdminEnableServer);
        Assert.Equal("127.0.0.1", o.AdminServerAddress);
        Assert.Equal(8080, o.AdminServerPort);
        Assert.Equal("/commands", o.AdminCommandUrl);
        Assert.Null(o.AdminAuthToken);
        Assert.Empty(o.AdminTrustedAddresses);
        Assert.Equal(5, o.CostlyCommandsPerSecond);
        Assert.False(o.AuditEnable);
    }

    [Fact]
    public void StarWhitelistAllowsEveryImplementedWord()
    {
        var o = ZooCfgParser.Parse("4lw.commands.whitelist=*");
        Assert.Equal(Commands.FourLetterWordPolicy.Implemented, Commands.FourLetterWordPolicy.EffectiveWhitelist(o.FourLetterWordWhitelist));
    }

    [Fact]
    public void LoadReportsAMissingFile()
    {
        var e = Assert.Throws<ConfigurationException>(() => ZooCfgParser.Load("/nonexistent/zoo.cfg"));
        Assert.Equal("config file /nonexistent/zoo.cfg does not exist", e.Message);
    }
}
