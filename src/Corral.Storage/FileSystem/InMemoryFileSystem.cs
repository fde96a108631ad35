namespace Corral.Storage.FileSystem;

/// <summary>
/// An in-memory twin of the disk for tests. It keeps, per file, the bytes a reader sees now and
/// the bytes that are durable (made so by <see cref="IStorageFile.Flush"/>), and per directory the
/// names that are durable (made so by <see cref="SyncDirectory"/>). <see cref="Crash()"/> and its
/// overloads model power loss: unsynced writes vanish, optionally leaving a prefix of them and a
/// torn part of the next one; names never made durable disappear and unsynced renames revert.
/// <see cref="FlipBit"/> models media corruption. Thread-safe (one lock).
/// </summary>
public sealed class InMemoryFileSystem : IStorageFileSystem
{
    private readonly object _gate = new();
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);
    private Dictionary<string, MemFile> _live = new(StringComparer.Ordinal);
    private Dictionary<string, MemFile> _durableNames = new(StringComparer.Ordinal);
    private int _generation;

    /// <summary>Number of file fsyncs performed.</summary>
    public int FlushCount { get; private set; }

    /// <summary>Number of directory fsyncs performed.</summary>
    public int SyncDirectoryCount { get; private set; }

    /// <summary>Called (outside the lock) before every file fsync with the file's path; a test can delay or throw here.</summary>
    public Action<string>? BeforeFlush { get; set; }

    private static string Normalize(string path) => System.IO.Path.TrimEndingDirectorySeparator(path);

    private static string DirectoryOf(string path) => System.IO.Path.GetDirectoryName(path) ?? "";

    public void CreateDirectory(string path)
    {
        lock (_gate)
        {
            // Directories are modelled as always durable: losing a whole directory is not a failure mode we test.
            for (string? p = Normalize(path); !string.IsNullOrEmpty(p); p = System.IO.Path.GetDirectoryName(p))
                _directories.Add(p);
        }
    }

    public bool DirectoryExists(string path) { lock (_gate) return _directories.Contains(Normalize(path)); }

    public bool FileExists(string path) { lock (_gate) return _live.ContainsKey(Normalize(path)); }

    public IReadOnlyList<string> ListFiles(string directory)
    {
        var dir = Normalize(directory);
        lock (_gate)
            return _live.Keys.Where(p => DirectoryOf(p) == dir).Select(p => System.IO.Path.GetFileName(p)).ToList();
    }

    public IStorageFile Open(string path, StorageOpenMode mode, long preallocationSize = 0)
    {
        path = Normalize(path);
        lock (_gate)
        {
            if (!_directories.Contains(DirectoryOf(path)))
                throw new DirectoryNotFoundException($"Directory of '{path}' does not exist.");
            if (mode == StorageOpenMode.CreateNew)
            {
                if (_live.ContainsKey(path)) throw new IOException($"File '{path}' already exists.");
                var file = new MemFile();
                if (preallocationSize > 0) file.SetLength(preallocationSize);
                _live[path] = file;
                return new Handle(this, path, file, writable: true, _generation);
            }
            if (!_live.TryGetValue(path, out var existing)) throw new FileNotFoundException($"File '{path}' not found.", path);
            return new Handle(this, path, existing, mode == StorageOpenMode.ReadWrite, _generation);
        }
    }

    public void Rename(string from, string to)
    {
        from = Normalize(from); to = Normalize(to);
        lock (_gate)
        {
            if (!_live.Remove(from, out var file)) throw new FileNotFoundException($"File '{from}' not found.", from);
            _live[to] = file;
        }
    }

    public void Delete(string path)
    {
        lock (_gate) _live.Remove(Normalize(path));
    }

    public void SyncDirectory(string directory)
    {
        var dir = Normalize(directory);
        lock (_gate)
        {
            SyncDirectoryCount++;
            foreach (var name in _durableNames.Keys.Where(p => DirectoryOf(p) == dir).ToList())
                _durableNames.Remove(name);
            foreach (var (name, file) in _live.Where(kv => DirectoryOf(kv.Key) == dir))
                _durableNames[name] = file;
        }
    }

    /// <summary>Power loss: every unsynced write and every unsynced name change is lost.</summary>
    public void Crash() => Crash(_ => (0, 0));

    /// <summary>
    /// Power loss where <paramref name="path"/> keeps its first <paramref name="keepWrites"/> unsynced
    /// writes and the first <paramref name="tornBytes"/> bytes of the one after (a torn write);
    /// every other file loses all unsynced writes.
    /// </summary>
    public void Crash(string path, int keepWrites, int tornBytes)
    {
        path = Normalize(path);
        Crash(p => p == path ? (keepWrites, tornBytes) : (0, 0));
    }

    /// <summary>Power loss where each file keeps a random prefix of its unsynced writes plus a random torn part of the next.</summary>
    public void CrashRandomly(Random random) =>
        Crash((_, pending) =>
        {
            int keep = random.Next(0, pending.Count + 1);
            int torn = keep < pending.Count && pending[keep].Data is { } next ? random.Next(0, next.Length) : 0;
            return (keep, torn);
        });

    private void Crash(Func<string, (int KeepWrites, int TornBytes)> survivors) =>
        Crash((name, _) => survivors(name));

    private void Crash(Func<string, IReadOnlyList<(long Offset, byte[]? Data, long NewLength)>, (int KeepWrites, int TornBytes)> survivors)
    {
        lock (_gate)
        {
            _generation++; // invalidates every handle opened before the crash
            var survivingFiles = new Dictionary<string, MemFile>(StringComparer.Ordinal);
            foreach (var (name, file) in _durableNames)
            {
                var (keep, torn) = survivors(name, file.Pending);
                survivingFiles[name] = file.AfterCrash(keep, torn);
            }
            _live = survivingFiles;
            _durableNames = new Dictionary<string, MemFile>(survivingFiles, StringComparer.Ordinal);
        }
    }

    /// <summary>Flips one bit in both the visible and the durable content of a file (media corruption).</summary>
    public void FlipBit(string path, long offset, int bit = 0)
    {
        lock (_gate)
        {
            if (!_live.TryGetValue(Normalize(path), out var file)) throw new FileNotFoundException(path);
            file.FlipBit(offset, bit);
        }
    }

    /// <summary>Overwrites bytes in both the visible and the durable content of a file (test setup of damaged files).</summary>
    public void Corrupt(string path, long offset, ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            if (!_live.TryGetValue(Normalize(path), out var file)) throw new FileNotFoundException(path);
            file.Current.Write(offset, bytes);
            file.Durable.Write(offset, bytes);
        }
    }

    /// <summary>Truncates both the visible and the durable content of a file (test setup).</summary>
    public void TruncateDurably(string path, long length)
    {
        lock (_gate)
        {
            var file = _live[Normalize(path)];
            file.Current.SetLength(length);
            file.Durable.SetLength(length);
        }
    }

    /// <summary>A copy of the bytes a reader would see now.</summary>
    public byte[] ReadAllBytes(string path)
    {
        lock (_gate) return _live[Normalize(path)].Current.ToArray();
    }

    private sealed class Handle(InMemoryFileSystem fs, string path, MemFile file, bool writable, int generation) : IStorageFile
    {
        private bool _disposed;
        public string Path => path;

        public long Length { get { lock (fs._gate) { Check(false); return file.Current.Length; } } }

        public int Read(long offset, Span<byte> buffer)
        {
            lock (fs._gate) { Check(false); return file.Current.Read(offset, buffer); }
        }

        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            lock (fs._gate) { Check(true); file.Write(offset, data); }
        }

        public void SetLength(long length)
        {
            lock (fs._gate) { Check(true); file.SetLength(length); }
        }

        public void Flush()
        {
            fs.BeforeFlush?.Invoke(path);
            lock (fs._gate) { Check(false); file.Flush(); fs.FlushCount++; }
        }

        private void Check(bool write)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (generation != fs._generation) throw new IOException($"'{path}' was opened before a simulated crash.");
            if (write && !writable) throw new UnauthorizedAccessException($"'{path}' is open read-only.");
        }

        public void Dispose() => _disposed = true;
    }

    /// <summary>A file's visible bytes, durable bytes, and the unsynced operations between them.</summary>
    private sealed class MemFile
    {
        public Bytes Current = new();
        public Bytes Durable = new();
        private readonly List<(long Offset, byte[]? Data, long NewLength)> _pending = [];
        public IReadOnlyList<(long Offset, byte[]? Data, long NewLength)> Pending => _pending;

        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            Current.Write(offset, data);
            _pending.Add((offset, data.ToArray(), -1));
        }

        public void SetLength(long length)
        {
            Current.SetLength(length);
            _pending.Add((0, null, length));
        }

        public void Flush()
        {
            foreach (var op in _pending) Apply(Durable, op, int.MaxValue);
            _pending.Clear();
        }

        public MemFile AfterCrash(int keepWrites, int tornBytes)
        {
            var durable = Durable.Clone();
            for (int i = 0; i < _pending.Count && i <= keepWrites; i++)
                Apply(durable, _pending[i], i < keepWrites ? int.MaxValue : tornBytes);
            return new MemFile { Current = durable.Clone(), Durable = durable };
        }

        private static void Apply(Bytes target, (long Offset, byte[]? Data, long NewLength) op, int maxBytes)
        {
            if (op.Data is null) { if (maxBytes == int.MaxValue) target.SetLength(op.NewLength); return; }
            target.Write(op.Offset, op.Data.AsSpan(0, Math.Min(maxBytes, op.Data.Length)));
        }

        public void FlipBit(long offset, int bit)
        {
            Current.FlipBit(offset, bit);
            Durable.FlipBit(offset, bit);
        }
    }

    /// <summary>A sparse-ish byte store: bytes past the backing array (but below Length) read as zeros.</summary>
    private sealed class Bytes
    {
        private byte[] _data = [];
        public long Length { get; private set; }

        public int Read(long offset, Span<byte> buffer)
        {
            if (offset >= Length) return 0;
            int count = (int)Math.Min(buffer.Length, Length - offset);
            var dest = buffer[..count];
            dest.Clear();
            if (offset < _data.Length)
                _data.AsSpan((int)offset, (int)Math.Min(count, _data.Length - offset)).CopyTo(dest);
            return count;
        }

        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            if (data.IsEmpty) return;
            long end = offset + data.Length;
            if (end > _data.Length)
            {
                var bigger = new byte[(int)Math.Max(end, Math.Min((long)_data.Length * 2, int.MaxValue - 64))];
                _data.CopyTo(bigger, 0);
                _data = bigger;
            }
            data.CopyTo(_data.AsSpan((int)offset));
            Length = Math.Max(Length, end);
        }

        public void SetLength(long length)
        {
            if (length < _data.Length) _data.AsSpan((int)length).Clear();
            Length = length;
        }

        public void FlipBit(long offset, int bit)
        {
            if (offset >= Length) throw new ArgumentOutOfRangeException(nameof(offset));
            if (offset >= _data.Length) Write(offset, [0]);
            _data[offset] ^= (byte)(1 << bit);
        }

        public Bytes Clone() => new() { _data = (byte[])_data.Clone(), Length = Length };

        public byte[] ToArray()
        {
            var result = new byte[Length];
            Read(0, result);
            return result;
        }
    }
}
