using Microsoft.Extensions.Logging;

namespace Corral.Server.Processing;

/// <summary>
/// A core with machinery of its own beyond the loop (the durable core's transaction-log flusher
/// and snapshot writer). The server calls <see cref="Start"/> once, on the loop, before it accepts
/// connections, and disposes the core after the loop has stopped.
/// </summary>
public interface ILoopBoundCore : IHostedCore, IDisposable
{
    /// <param name="loop">Where background work reports back (<see cref="CoreLoop.Post"/>).</param>
    /// <param name="failStop">The core can no longer keep its promises (a disk failed): the server
    /// must stop. May be called on any thread, at most once.</param>
    void Start(CoreLoop loop, ILoggerFactory loggers, Action<Exception> failStop);
}
