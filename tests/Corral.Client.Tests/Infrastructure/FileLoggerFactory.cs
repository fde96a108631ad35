using Microsoft.Extensions.Logging;

namespace Corral.Client.Tests.Infrastructure;

/// <summary>Appends every log line to a file; for diagnosing a test (set CORRAL_TEST_LOG=path).</summary>
public sealed class FileLoggerFactory(string path) : ILoggerFactory, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;
    public void AddProvider(ILoggerProvider provider) { }
    public void Dispose() { }
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (this) File.AppendAllText(path, $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {formatter(state, exception)} {exception?.Message}\n");
    }
}
