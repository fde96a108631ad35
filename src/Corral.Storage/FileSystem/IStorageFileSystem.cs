namespace Corral.Storage.FileSystem;

/// <summary>How <see cref="IStorageFileSystem.Open"/> treats an existing or missing file.</summary>
public enum StorageOpenMode
{
    /// <summary>Open an existing file for reading only; fails if it is missing.</summary>
    ReadOnly,
    /// <summary>Open an existing file for reading and writing; fails if it is missing.</summary>
    ReadWrite,
    /// <summary>Create a new file for reading and writing; fails if it already exists.</summary>
    CreateNew,
}

/// <summary>
/// The seam between storage logic and the disk. Everything the transaction log, the snapshot
/// store and recovery do to files goes through here, so tests can swap in
/// <see cref="InMemoryFileSystem"/> and inject crashes, torn writes and bit flips.
/// Durability contract (the same as POSIX): data written to a file is durable only after
/// <see cref="IStorageFile.Flush"/>; a created, renamed or deleted name is durable only after
/// <see cref="SyncDirectory"/> on its directory.
/// </summary>
public interface IStorageFileSystem
{
    void CreateDirectory(string path);
    bool DirectoryExists(string path);
    bool FileExists(string path);

    /// <summary>File names (not full paths) directly inside <paramref name="directory"/>.</summary>
    IReadOnlyList<string> ListFiles(string directory);

    /// <param name="preallocationSize">For <see cref="StorageOpenMode.CreateNew"/>: bytes to reserve on disk up front (0 for none).</param>
    IStorageFile Open(string path, StorageOpenMode mode, long preallocationSize = 0);

    /// <summary>Renames, replacing any existing file at <paramref name="to"/>.</summary>
    void Rename(string from, string to);
    void Delete(string path);

    /// <summary>Makes creations, renames and deletions inside <paramref name="directory"/> durable.</summary>
    void SyncDirectory(string directory);
}

/// <summary>A file opened through <see cref="IStorageFileSystem"/>, addressed by absolute offsets.</summary>
public interface IStorageFile : IDisposable
{
    string Path { get; }
    long Length { get; }

    /// <summary>Reads up to buffer.Length bytes at <paramref name="offset"/>; returns the count read (0 at end of file).</summary>
    int Read(long offset, Span<byte> buffer);

    void Write(long offset, ReadOnlySpan<byte> data);

    /// <summary>Grows (with zeros) or shrinks the file.</summary>
    void SetLength(long length);

    /// <summary>fsync: makes every byte written so far durable.</summary>
    void Flush();
}

public static class StorageFileExtensions
{
    /// <summary>Reads exactly buffer.Length bytes or fewer only at end of file; returns the count read.</summary>
    public static int ReadFully(this IStorageFile file, long offset, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = file.Read(offset + total, buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
