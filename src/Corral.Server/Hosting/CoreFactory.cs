using Corral.Server.Configuration;
using Corral.Server.Processing;

namespace Corral.Server.Hosting;

/// <summary>Creates the production core for a server from its options.</summary>
public static class CoreFactory
{
    // TEMPORARY until Corral.Core's ServerCore lands on main: the adapter is written then.
    public static IHostedCore Create(CorralServerOptions options, TimeProvider time) =>
        throw new InvalidOperationException("Corral.Core's ServerCore is not available on this branch yet");
}
