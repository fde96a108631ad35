namespace Corral.Server.Configuration;

/// <summary>
/// A configuration value was rejected. The message always names the key (or command-line option)
/// and the offending value, so an operator can fix the file without reading code.
/// </summary>
public sealed class ConfigurationException(string message) : Exception(message);
