using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Corral.Storage.FileSystem;

/// <summary>
/// The real disk: <see cref="RandomAccess"/> positional I/O, <see cref="RandomAccess.FlushToDisk"/>
/// (fsync) for durability, fallocate-backed preallocation through <see cref="File.OpenHandle"/>,
/// and a directory fsync on Linux/macOS so that new and renamed names survive power loss.
/// </summary>
public sealed class PhysicalFileSystem : IStorageFileSystem
{
    public static PhysicalFileSystem Instance { get; } = new();

    public void CreateDirectory(string path) => Directory.CreateDirectory(path);
    public bool DirectoryExists(string path) => Directory.Exists(path);
    public bool FileExists(string path) => File.Exists(path);

    public IReadOnlyList<string> ListFiles(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory).Select(System.IO.Path.GetFileName).OfType<string>().ToList()
            : [];

    public IStorageFile Open(string path, StorageOpenMode mode, long preallocationSize = 0)
    {
        var handle = mode switch
        {
            StorageOpenMode.ReadOnly => File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete),
            StorageOpenMode.ReadWrite => File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete),
            StorageOpenMode.CreateNew => File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite,
                FileShare.ReadWrite | FileShare.Delete, FileOptions.None, preallocationSize),
            _ => throw new ArgumentOutOfRangeException(nameof(mode)),
        };
        return new PhysicalFile(path, handle);
    }

    public void Rename(string from, string to) => File.Move(from, to, overwrite: true);

    public void Delete(string path) => File.Delete(path);

    public void SyncDirectory(string directory)
    {
        // Windows has no directory fsync (NTFS journals metadata); elsewhere open the directory
        // read-only and fsync its descriptor, which is what makes a rename or create durable.
        if (OperatingSystem.IsWindows()) return;
        int fd = Native.open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
            throw new IOException($"Cannot open directory '{directory}' to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Native.fsync(fd) != 0)
                throw new IOException($"fsync of directory '{directory}' failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            Native.close(fd);
        }
    }

    private sealed class PhysicalFile(string path, SafeFileHandle handle) : IStorageFile
    {
        public string Path { get; } = path;
        public long Length => RandomAccess.GetLength(handle);
        public int Read(long offset, Span<byte> buffer) => RandomAccess.Read(handle, buffer, offset);
        public void Write(long offset, ReadOnlySpan<byte> data) => RandomAccess.Write(handle, data, offset);
        public void SetLength(long length) => RandomAccess.SetLength(handle, length);
        public void Flush() => RandomAccess.FlushToDisk(handle);
        public void Dispose() => handle.Dispose();
    }

    private static class Native
    {
        [DllImport("libc", SetLastError = true)]
        internal static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        internal static extern int fsync(int fd);

        [DllImport("libc", SetLastError = true)]
        internal static extern int close(int fd);
    }
}
