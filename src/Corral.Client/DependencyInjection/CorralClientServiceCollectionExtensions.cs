using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Corral.Client;

/// <summary>Registers a singleton <see cref="CorralClient"/> in a service collection.</summary>
public static class CorralClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds a singleton CorralClient configured by <paramref name="configure"/> (and any other
    /// configuration of <see cref="CorralClientOptions"/>). The client starts connecting when first
    /// resolved; calls made before the session exists wait for it. The container disposes it, which
    /// closes the session. The ILoggerFactory from the container is used unless one was set.
    /// </summary>
    public static IServiceCollection AddCorralClient(this IServiceCollection services, Action<CorralClientOptions>? configure = null)
    {
        var builder = services.AddOptions<CorralClientOptions>();
        if (configure is not null) builder.Configure(configure);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<CorralClientOptions>>().Value;
            options.LoggerFactory ??= sp.GetService<ILoggerFactory>();
            return new CorralClient(options);
        });
        return services;
    }

    /// <summary>
    /// Adds a singleton CorralClient bound from a configuration section, e.g.
    /// <c>{ "ConnectionString": "zk1:2181,zk2:2181/app", "SessionTimeout": "00:00:15" }</c>.
    /// </summary>
    public static IServiceCollection AddCorralClient(this IServiceCollection services, IConfiguration section, Action<CorralClientOptions>? configure = null)
    {
        services.AddOptions<CorralClientOptions>().Bind(section);
        return services.AddCorralClient(configure);
    }
}
