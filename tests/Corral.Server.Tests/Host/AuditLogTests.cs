using System.Collections.Concurrent;
using Corral.Client;
using Corral.Protocol;
using Corral.Server.Configuration;
using Corral.Server.Hosting;
using Corral.Server.Network;
using Corral.Server.Tests.Fixtures;
using Microsoft.Extensions.Logging;

namespace Corral.Server.Tests.Host;

/// <summary>audit.enable: one line per write under "Corral.Audit" with who, path, operation and result; nothing when off.</summary>
public sealed class AuditLogTests
{
    [Fact]
    public async Task WritesAreAuditedWithSessionUserPathAndResult()
    {
        var lines = await RunWritesAsync(audit: true);
        Assert.Equal(
        [
            "session=0x{sid} user=ip:127.0.0.1 ip=127.0.0.1 operation=create znode=/audited result=success",
            "session=0x{sid} user=ip:127.0.0.1 ip=127.0.0.1 operation=setData znode=/audited result=success",
            "session=0x{sid} user=ip:127.0.0.1 ip=127.0.0.1 operation=delete znode=/absent result=failure(NoNode)",
            "session=0x{sid} user=ip:127.0.0.1 ip=127.0.0.1 operation=delete znode=/audited result=success",
            "session=0x{sid} user=ip:127.0.0.1 ip=127.0.0.1 operation=multiOperation znode= result=success",
            "session=0x{sid} user=ip:127.0.0.1 ip=127.0.0.1 operation=closeSession znode= result=success",
        ], lines);
    }

    [Fact]
    public async Task NothingIsAuditedByDefault() => Assert.Empty(await RunWritesAsync(audit: false));

    /// <summary>Runs a few writes (one failing) and reads; returns the audit lines with the session id replaced by {sid}.</summary>
    private static async Task<List<string>> RunWritesAsync(bool audit)
    {
        var provider = new CapturingProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(provider).SetMinimumLevel(LogLevel.Information));
        string dir = Directory.CreateTempSubdirectory("corral-audit-").FullName;
        var server = await CorralServer.StartAsync(new CorralServerOptions
        {
            ClientPort = 0, AdminEnableServer = false, DataDir = dir, MaxClientCnxns = 0, AuditEnable = audit,
        }, CoreFactory.Create, factory);
        long sid;
        try
        {
            var zk = await CorralClient.ConnectAsync(server.ConnectString);
            sid = zk.SessionId;
            await zk.CreateAsync("/audited", "a");
            await zk.GetDataAsync("/audited");
            await zk.SetDataAsync("/audited", "b");
            await Assert.ThrowsAnyAsync<ZooKeeperException>(() => zk.DeleteAsync("/absent"));
            await zk.DeleteAsync("/audited");
            await zk.Transaction().Create("/m1", "").Delete("/m1").CommitAsync();
            await zk.CloseAsync();
            await zk.DisposeAsync();
            if (audit) await Deadline.WaitUntilAsync(() => provider.Lines.Count >= 6, TimeSpan.FromSeconds(20), "six audit lines");
        }
        finally
        {
            await server.StopAsync();
            Directory.Delete(dir, recursive: true);
        }
        return provider.Lines.Select(l => l.Replace($"0x{sid:x}", "0x{sid}")).ToList();
    }

    private sealed class CapturingProvider : ILoggerProvider
    {
        public readonly ConcurrentQueue<string> Queue = new();
        public List<string> Lines => Queue.ToList();
        public ILogger CreateLogger(string category) => category == AuditLog.Category ? new Logger(Queue) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        public void Dispose() { }

        private sealed class Logger(ConcurrentQueue<string> queue) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel level) => true;
            public void Log<TState>(LogLevel level, EventId id, TState state, Exception? e, Func<TState, Exception?, string> format) =>
                queue.Enqueue(format(state, e));
        }
    }
}
