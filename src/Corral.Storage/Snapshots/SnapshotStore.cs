using System.Buffers.Binary;
using Corral.Storage.FileSystem;

namespace Corral.Storage.Snapshots;

/// <summary>A snapshot file that passed validation.</summary>
public sealed record SnapshotInfo(long Zxid, string Path, long ContentLength);

/// <summary>
/// Snapshot files in one directory (format: <see cref="SnapshotFormat"/>). Writing is atomic:
/// content goes to snap.&lt;zxid&gt;.tmp, which is fsynced, renamed to its final name, and the
/// directory fsynced; a crash at any point leaves either the old set of snapshots or the new one,
/// plus at most a .tmp file that <see cref="DeleteTemporaryFiles"/> removes.
/// </summary>
public sealed class SnapshotStore(IStorageFileSystem fs, string directory)
{
    private const int StreamBufferSize = 1 << 20;

    public string Directory => directory;

    /// <summary>
    /// Writes a snapshot labelled <paramref name="zxid"/>; <paramref name="writeContent"/> serialises the
    /// state into the stream it is given. Returns once the snapshot is durable under its final name.
    /// If the callback throws, the temporary file is removed and the exception propagates.
    /// </summary>
    public SnapshotInfo Write(long zxid, Action<Stream> writeContent)
    {
        fs.CreateDirectory(directory);
        string finalPath = System.IO.Path.Combine(directory, SnapshotFormat.FileName(zxid));
        string tempPath = finalPath + SnapshotFormat.TempSuffix;
        if (fs.FileExists(tempPath)) fs.Delete(tempPath);

        long contentLength;
        using (var file = fs.Open(tempPath, StorageOpenMode.CreateNew))
        {
            try
            {
                Span<byte> header = stackalloc byte[SnapshotFormat.HeaderSize];
                SnapshotFormat.WriteHeader(header, zxid);
                file.Write(0, header);

                var content = new ChecksummingWriteStream(file, SnapshotFormat.HeaderSize);
                writeContent(content);
                content.Flush();
                contentLength = content.BytesWritten;

                Span<byte> trailer = stackalloc byte[SnapshotFormat.TrailerSize];
                SnapshotFormat.WriteTrailer(trailer, contentLength, content.Checksum);
                file.Write(content.FileOffset, trailer);
                file.Flush();
            }
            catch
            {
                file.Dispose();
                fs.Delete(tempPath);
                throw;
            }
        }
        fs.Rename(tempPath, finalPath);
        fs.SyncDirectory(directory);
        return new SnapshotInfo(zxid, finalPath, contentLength);
    }

    /// <summary>Snapshot files by name (not validated), newest first.</summary>
    public IReadOnlyList<(long Zxid, string Path)> List()
    {
        var result = new List<(long Zxid, string Path)>();
        foreach (var name in fs.ListFiles(directory))
            if (SnapshotFormat.TryParseFileName(name, out long zxid))
                result.Add((zxid, System.IO.Path.Combine(directory, name)));
        result.Sort((a, b) => b.Zxid.CompareTo(a.Zxid));
        return result;
    }

    /// <summary>Fully checks one snapshot file (header, trailer, length, content checksum, name).</summary>
    public SnapshotInfo? Validate(string path, long expectedZxid, out string? error)
    {
        using var file = fs.Open(path, StorageOpenMode.ReadOnly);
        long length = file.Length;
        if (length < SnapshotFormat.HeaderSize + SnapshotFormat.TrailerSize)
        {
            error = $"only {length} bytes, shorter than header and trailer";
            return null;
        }
        Span<byte> header = stackalloc byte[SnapshotFormat.HeaderSize];
        file.ReadFully(0, header);
        long? zxid = SnapshotFormat.TryReadHeader(header, out error);
        if (zxid is null) return null;
        if (zxid != expectedZxid)
        {
            error = $"header zxid {Zxid.Describe(zxid.Value)} does not match the file name";
            return null;
        }
        Span<byte> trailer = stackalloc byte[SnapshotFormat.TrailerSize];
        file.ReadFully(length - SnapshotFormat.TrailerSize, trailer);
        long contentLength = BinaryPrimitives.ReadInt64BigEndian(trailer);
        uint expectedCrc = BinaryPrimitives.ReadUInt32BigEndian(trailer[8..]);
        if (BinaryPrimitives.ReadUInt32BigEndian(trailer[12..]) != SnapshotFormat.EndMagic)
        {
            error = "missing end marker (incomplete snapshot)";
            return null;
        }
        if (contentLength != length - SnapshotFormat.HeaderSize - SnapshotFormat.TrailerSize)
        {
            error = $"trailer says {contentLength} content bytes but the file holds {length - SnapshotFormat.HeaderSize - SnapshotFormat.TrailerSize}";
            return null;
        }
        var buffer = new byte[StreamBufferSize];
        uint crc = Crc32C.InitialState;
        for (long offset = 0; offset < contentLength;)
        {
            int n = file.ReadFully(SnapshotFormat.HeaderSize + offset, buffer.AsSpan(0, (int)Math.Min(buffer.Length, contentLength - offset)));
            if (n == 0) { error = "file ended early"; return null; }
            crc = Crc32C.Append(crc, buffer.AsSpan(0, n));
            offset += n;
        }
        if (Crc32C.Finish(crc) != expectedCrc)
        {
            error = "content checksum mismatch";
            return null;
        }
        error = null;
        return new SnapshotInfo(expectedZxid, path, contentLength);
    }

    /// <summary>The newest <paramref name="count"/> valid snapshots, newest first; invalid ones are reported through <paramref name="warnings"/>.</summary>
    public List<SnapshotInfo> FindNewestValid(int count, ICollection<string>? warnings = null)
    {
        var result = new List<SnapshotInfo>();
        foreach (var (zxid, path) in List())
        {
            if (result.Count >= count) break;
            var info = Validate(path, zxid, out string? error);
            if (info is not null) result.Add(info);
            else warnings?.Add($"Skipping invalid snapshot {path}: {error}.");
        }
        return result;
    }

    /// <summary>Hands the content of a validated snapshot to <paramref name="readContent"/> as a buffered stream.</summary>
    public void Read(SnapshotInfo snapshot, Action<Stream> readContent)
    {
        using var file = fs.Open(snapshot.Path, StorageOpenMode.ReadOnly);
        using var content = new BufferedStream(new BoundedReadStream(file, SnapshotFormat.HeaderSize, snapshot.ContentLength), StreamBufferSize);
        readContent(content);
    }

    /// <summary>Removes leftovers of snapshots that were being written when the server stopped.</summary>
    public void DeleteTemporaryFiles()
    {
        foreach (var name in fs.ListFiles(directory))
            if (name.StartsWith(SnapshotFormat.Prefix, StringComparison.Ordinal) && name.EndsWith(SnapshotFormat.TempSuffix, StringComparison.Ordinal))
                fs.Delete(System.IO.Path.Combine(directory, name));
    }
}
