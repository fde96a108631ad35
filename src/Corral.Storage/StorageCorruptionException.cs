namespace Corral.Storage;

/// <summary>
/// Thrown when the data on disk cannot be trusted and the server must not start: corruption
/// followed by valid data, a gap in the zxid sequence, a missing segment, an unreadable header.
/// The message names the file, and <see cref="FilePath"/> carries it for tooling.
/// </summary>
public sealed class StorageCorruptionException(string filePath, string message)
    : IOException($"{message} [file: {filePath}]. Refusing to start rather than serve divergent data; " +
                  "restore the file, or remove this server's data and let it resync from the ensemble.")
{
    public string FilePath { get; } = filePath;
}
