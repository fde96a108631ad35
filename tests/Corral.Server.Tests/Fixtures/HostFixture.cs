using Corral.Server.Configuration;
using Corral.Server.Hosting;
using Corral.Server.Processing;

namespace Corral.Server.Tests.Fixtures;

/// <summary>Starts an in-process Corral host on a free port around a given core; stopped on dispose.</summary>
public static class HostFixture
{
    public static async Task<CorralServer> StartAsync(IHostedCore core, Action<CorralServerOptions>? configure = null)
    {
        var options = new CorralServerOptions
        {
            ClientPort = 0,
            DataDir = Path.Combine(Path.GetTempPath(), "corral-host-tests"),
            MaxClientCnxns = 0,
            // Port 0: parallel tests must not collide on the admin server's default 8080.
            AdminServerPort = 0,
            FourLetterWordWhitelist = new HashSet<string> { "srvr", "ruok", "stat", "mntr" },
        };
        configure?.Invoke(options);
        return await CorralServer.StartAsync(options, (_, _) => core);
    }
}
