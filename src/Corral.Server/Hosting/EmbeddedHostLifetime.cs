using Microsoft.Extensions.Hosting;

namespace Corral.Server.Hosting;

/// <summary>
/// Replaces the generic host's console lifetime, which would grab Ctrl+C/SIGTERM and print HTTP-style
/// start-up banners. <see cref="CorralServer"/> is embedded: whoever owns it (the `corral server`
/// command, a test) decides when to stop it.
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
