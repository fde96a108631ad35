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
        };
        configure?.Invoke(options);
        return await CorralServer.StartAsync(options, (_, _) => core);
    }
}
