using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Corral.Protocol;

namespace Corral.Bench;

/// <summary>
/// One closed-loop session of a bench run: keeps <see cref="BenchOptions.Window"/> requests in
/// flight on its own connection, matches every reply to the oldest outstanding xid, verifies
/// what came back, times it, and issues the next request in its place. Replies are handled and
/// refills encoded in one pass per receive, then sent in one write.
/// </summary>
public sealed class BenchSession : IAsyncDisposable
{
    private struct PendingOp
    {
        public int Xid;
        public OperationKind Kind;
        public int Key;
        public long Number;
        public long StartTicks;
    }

    private readonly WireConnection _connection;
    private readonly BenchOptions _options;
    private readonly int _index;
    private readonly byte[][] _keyPaths;
    private readonly byte[] _uniquePrefix;     // "<root>/cd/s<index>-" or "<root>/multi/s<index>-"
    private readonly byte[] _sequentialPrefix; // "<root>/seq/s<index>-"
    private readonly byte[] _keysPrefix;       // "<root>/keys/"
    private readonly byte[] _scratch;
    private readonly PendingOp[] _ring;
    private int _head, _outstanding;
    private ulong _rng;
    private long _counter;
    private bool _deleteNext;
    private long _lastSequence = -1;
    private long _lastZxid;
    private long _completed, _measured, _notifications, _setsSucceeded, _latencySumMicros;

    private BenchSession(WireConnection connection, BenchOptions options, int index, byte[][] keyPaths)
    {
        _connection = connection;
        _options = options;
        _index = index;
        _keyPaths = keyPaths;
        string unique = options.Workload == BenchWorkload.Multi ? options.MultiPath : options.CreateDeletePath;
        _uniquePrefix = Encoding.UTF8.GetBytes($"{unique}/s{index}-");
        _sequentialPrefix = Encoding.UTF8.GetBytes($"{options.SequentialPath}/s{index}-");
        _keysPrefix = Encoding.UTF8.GetBytes(options.KeysPath + "/");
        _scratch = new byte[options.Size];
        _ring = new PendingOp[options.Window];
        _rng = (ulong)options.Seed * 0x9E3779B97F4A7C15UL + (ulong)index + 1;
        foreach (var kind in OperationNames.All) Histograms[kind] = new LatencyHistogram();
    }

    public Dictionary<OperationKind, LatencyHistogram> Histograms { get; } = [];
    public ErrorTally Errors { get; } = new();
    public bool Alive { get; private set; } = true;

    /// <summary>Replies received, in any phase (read by the progress reporter).</summary>
    public long Completed => Volatile.Read(ref _completed);
    /// <summary>Replies that completed inside the measurement window.</summary>
    public long Measured => Volatile.Read(ref _measured);
    public long LatencySumMicros => Volatile.Read(ref _latencySumMicros);
    public long Notifications => Volatile.Read(ref _notifications);
    /// <summary>Successful setData calls (alone or inside a multi), in any phase: each fires one notification per watching session.</summary>
    public long SetsSucceeded => Volatile.Read(ref _setsSucceeded);
    public int Outstanding => Volatile.Read(ref _outstanding);

    public static async Task<BenchSession> OpenAsync(BenchOptions options, int index, byte[][] keyPaths, CancellationToken ct)
    {
        var host = options.Hosts[index % options.Hosts.Count];
        var connection = await WireConnection.OpenAsync(host, options.SessionTimeoutMs, ct).ConfigureAwait(false);
        return new BenchSession(connection, options, index, keyPaths);
    }

    /// <summary>Watch workload: a persistent recursive watch on the keys, so every set notifies this session.</summary>
    public Task WatchKeysAsync(CancellationToken ct) =>
        Pipeline.RunAsync(_connection, 1, 1,
            (_, xid, output) => RequestEncoder.AddWatch(output, xid, Encoding.UTF8.GetBytes(_options.KeysPath), AddWatchMode.PersistentRecursive),
            (_, header, _) =>
            {
                if (header.Err != ErrorCode.Ok)
                    throw new WireException($"addWatch on {_options.KeysPath} failed: {ErrorTally.ErrorName(header.Err)}");
            }, ct);

    /// <summary>Runs until the clock's measurement window ends and every outstanding request is answered.</summary>
    public async Task RunAsync(BenchClock clock, CancellationToken ct)
    {
        try
        {
            IssueUpTo(clock, Stopwatch.GetTimestamp(), ct);
            await FlushStampedAsync(ct).ConfigureAwait(false);
            while (_outstanding > 0)
            {
                if (!await _connection.ReceiveAsync(ct).ConfigureAwait(false))
                    throw new WireException($"{WireConnection.Describe(_connection.Host)} closed the connection");
                ProcessReplies(clock, ct);
                await FlushStampedAsync(ct).ConfigureAwait(false);
            }
        }
        catch (WireException e)
        {
            Fail(e.Message);
        }
        catch (JuteException e)
        {
            Fail("undecodable reply: " + e.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Fail("run cancelled");
        }
    }

    /// <summary>Watch workload: receives notifications until <paramref name="expected"/> have arrived or the deadline passes; the shortfall is an error.</summary>
    public async Task AwaitNotificationsAsync(long expected, TimeSpan grace, CancellationToken ct)
    {
        if (!Alive) return;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(grace);
        try
        {
            while (_notifications < expected)
            {
                if (!await _connection.ReceiveAsync(timeout.Token).ConfigureAwait(false))
                    throw new WireException($"{WireConnection.Describe(_connection.Host)} closed the connection");
                ProcessReplies(default, ct);
            }
        }
        catch (OperationCanceledException) { }
        catch (WireException e) { Fail(e.Message); }
        if (_notifications < expected)
            Errors.Add($"watch: {expected - _notifications} notifications missing after {grace.TotalSeconds:0.#} s");
        else if (_notifications > expected)
            Errors.Add($"watch: {_notifications - expected} notifications more than sets");
    }

    /// <summary>Ends the session politely (closeSession), which also removes its ephemeral znodes.</summary>
    public async Task CloseAsync(CancellationToken ct)
    {
        if (!Alive) return;
        try
        {
            var err = await _connection.CloseSessionAsync(ct).ConfigureAwait(false);
            if (err != ErrorCode.Ok) Errors.Add($"closeSession: {ErrorTally.ErrorName(err)}");
        }
        catch (WireException e)
        {
            // Some servers close the socket right after the reply; only a missing reply is an error.
            Errors.Add("closeSession: " + e.Message);
        }
        Alive = false;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private void Fail(string problem)
    {
        Errors.Add("connection: " + problem);
        if (_outstanding > 0) Errors.Add("connection: requests lost", _outstanding);
        _outstanding = 0;
        Alive = false;
    }

    private int _newSinceFlush;

    private async ValueTask FlushStampedAsync(CancellationToken ct)
    {
        // Every request encoded since the last flush leaves now: stamp them all with the send time.
        long now = Stopwatch.GetTimestamp();
        for (int i = 0, slot = (_head + _outstanding - _newSinceFlush) % _ring.Length; i < _newSinceFlush; i++, slot = (slot + 1) % _ring.Length)
            _ring[slot].StartTicks = now;
        _newSinceFlush = 0;
        await _connection.FlushAsync(ct).ConfigureAwait(false);
    }

    private void ProcessReplies(BenchClock clock, CancellationToken ct)
    {
        while (_connection.TryTakeFrame(out var payload))
        {
            long now = Stopwatch.GetTimestamp();
            var reader = new JuteReader(payload);
            var header = ReplyHeader.Read(ref reader);
            if (header.Xid == Xids.Notification) { HandleNotification(ref reader); continue; }
            if (header.Xid == Xids.Ping) continue;
            if (_outstanding == 0)
                throw new WireException($"unexpected reply with xid {header.Xid}: nothing was outstanding");
            ref var op = ref _ring[_head];
            if (op.Xid != header.Xid)
                throw new WireException($"reply xid {header.Xid} does not match the oldest outstanding request (xid {op.Xid})");
            var done = op;
            _head = (_head + 1) % _ring.Length;
            _outstanding--;

            if (header.Err != ErrorCode.Ok) Errors.Add(done.Kind, header.Err);
            else
            {
                if (header.Zxid < _lastZxid) Errors.Add(done.Kind, "reply zxid went backwards");
                else _lastZxid = header.Zxid;
                string? problem = Verify(done, ref reader);
                if (problem is not null) Errors.Add(done.Kind, problem);
                else if (done.Kind is OperationKind.Set or OperationKind.Multi) _setsSucceeded++;
            }

            if (clock.InMeasurement(now))
            {
                long micros = BenchClock.ToMicros(now - done.StartTicks);
                Histograms[done.Kind].Record(micros);
                _latencySumMicros += micros;
                _measured++;
            }
            Volatile.Write(ref _completed, _completed + 1);
            IssueUpTo(clock, now, ct);
        }
    }

    private void IssueUpTo(BenchClock clock, long now, CancellationToken ct)
    {
        if (clock.MeasureEnd == 0 || clock.Finished(now) || ct.IsCancellationRequested) return;
        while (_outstanding < _ring.Length) Issue();
    }

    private void HandleNotification(ref JuteReader reader)
    {
        var type = (EventType)reader.ReadInt();
        var state = (KeeperState)reader.ReadInt();
        var path = reader.ReadBufferSpan(out _);
        if (type != EventType.NodeDataChanged || state != KeeperState.SyncConnected || !path.StartsWith(_keysPrefix))
            Errors.Add($"watch: unexpected notification {type} {state} {Encoding.UTF8.GetString(path)}");
        else
            _notifications++;
    }

    private void Issue()
    {
        int slot = (_head + _outstanding) % _ring.Length;
        ref var op = ref _ring[slot];
        op.Xid = _connection.NextXid();
        var output = _connection.Output;
        Span<byte> path = stackalloc byte[256];
        switch (_options.Workload)
        {
            case BenchWorkload.Get:
                IssueGet(ref op, output);
                break;
            case BenchWorkload.Set:
            case BenchWorkload.Watch:
                IssueSet(ref op, output);
                break;
            case BenchWorkload.Mix:
                if (NextBelow(100) < (ulong)_options.ReadPercent) IssueGet(ref op, output);
                else IssueSet(ref op, output);
                break;
            case BenchWorkload.CreateDelete:
                if (!_deleteNext)
                {
                    op.Kind = OperationKind.Create;
                    op.Number = _counter++;
                    Payload.Fill(_scratch, op.Number, _index);
                    RequestEncoder.Create(output, op.Xid, UniquePath(path, op.Number), _scratch, CreateMode.Persistent);
                }
                else
                {
                    op.Kind = OperationKind.Delete;
                    op.Number = _counter - 1;
                    RequestEncoder.Delete(output, op.Xid, UniquePath(path, op.Number));
                }
                _deleteNext = !_deleteNext;
                break;
            case BenchWorkload.Sequential:
                op.Kind = OperationKind.SequentialCreate;
                Payload.Fill(_scratch, _index, _counter++);
                RequestEncoder.Create(output, op.Xid, _sequentialPrefix, _scratch, CreateMode.EphemeralSequential);
                break;
            case BenchWorkload.Multi:
                op.Kind = OperationKind.Multi;
                op.Number = _counter++;
                op.Key = NextKey();
                Payload.Fill(_scratch, op.Key, Stamp(op.Number));
                RequestEncoder.CreateSetDeleteMulti(output, op.Xid, UniquePath(path, op.Number), _keyPaths[op.Key], _scratch);
                break;
        }
        _outstanding++;
        _newSinceFlush++;
    }

    private void IssueGet(ref PendingOp op, FrameWriter output)
    {
        op.Kind = OperationKind.Get;
        op.Key = NextKey();
        RequestEncoder.GetData(output, op.Xid, _keyPaths[op.Key], watch: false);
    }

    private void IssueSet(ref PendingOp op, FrameWriter output)
    {
        op.Kind = OperationKind.Set;
        op.Key = NextKey();
        op.Number = _counter++;
        Payload.Fill(_scratch, op.Key, Stamp(op.Number));
        RequestEncoder.SetData(output, op.Xid, _keyPaths[op.Key], _scratch);
    }

    // A stamp unique to this session's write, so each written value differs from the last.
    private long Stamp(long number) => ((long)_index << 40) | number;

    private ReadOnlySpan<byte> UniquePath(Span<byte> buffer, long number)
    {
        _uniquePrefix.CopyTo(buffer);
        number.TryFormat(buffer[_uniquePrefix.Length..], out int digits);
        return buffer[..(_uniquePrefix.Length + digits)];
    }

    private string? Verify(in PendingOp op, ref JuteReader reader)
    {
        switch (op.Kind)
        {
            case OperationKind.Get:
            {
                var data = reader.ReadBufferSpan(out bool isNull);
                if (isNull) return "null data";
                var stat = Stat.Read(ref reader);
                if (stat.DataLength != data.Length) return "stat dataLength differs from the data";
                return Payload.Verify(data, op.Key, _options.Size);
            }
            case OperationKind.Set:
            {
                var stat = Stat.Read(ref reader);
                if (stat.DataLength != _options.Size) return "stat dataLength differs from the data written";
                if (stat.Version < 1) return "stat version not advanced";
                return null;
            }
            case OperationKind.Create:
            {
                Span<byte> expected = stackalloc byte[256];
                var path = reader.ReadBufferSpan(out _);
                return path.SequenceEqual(UniquePath(expected, op.Number)) ? null : "created path differs from the requested one";
            }
            case OperationKind.Delete:
                return reader.IsAtEnd ? null : "unexpected bytes after a delete reply";
            case OperationKind.SequentialCreate:
                return VerifySequential(reader.ReadBufferSpan(out _));
            case OperationKind.Multi:
                return VerifyMulti(ref reader, op);
            default:
                return "unknown operation";
        }
    }

    private string? VerifySequential(ReadOnlySpan<byte> path)
    {
        if (!path.StartsWith(_sequentialPrefix)) return "sequential path has the wrong prefix";
        var suffix = path[_sequentialPrefix.Length..];
        if (suffix.Length != 10 || !long.TryParse(suffix, out long sequence)) return "sequence suffix is not 10 digits";
        if (sequence <= _lastSequence) return "sequence number did not increase";
        _lastSequence = sequence;
        return null;
    }

    private string? VerifyMulti(ref JuteReader reader, in PendingOp op)
    {
        Span<byte> expected = stackalloc byte[256];
        if (ExpectResult(ref reader, OpCode.Create, 1) is { } p1) return p1;
        if (!reader.ReadBufferSpan(out _).SequenceEqual(UniquePath(expected, op.Number))) return "multi created the wrong path";
        if (ExpectResult(ref reader, OpCode.SetData, 2) is { } p2) return p2;
        if (Stat.Read(ref reader).DataLength != _options.Size) return "multi setData stat has the wrong dataLength";
        if (ExpectResult(ref reader, OpCode.Delete, 3) is { } p3) return p3;
        return MultiHeader.Read(ref reader).Done ? null : "multi response not terminated after 3 results";
    }

    // A failed multi answers every operation with an error result (type -1 followed by the code).
    private static string? ExpectResult(ref JuteReader reader, OpCode type, int position)
    {
        var h = MultiHeader.Read(ref reader);
        if (h.Done) return $"multi response ended before result {position}";
        if (h.Type == OpCode.Error) return $"multi failed: {ErrorTally.ErrorName((ErrorCode)reader.ReadInt())}";
        return h.Type == type ? null : $"multi result {position} is {h.Type}, not {type}";
    }

    private int NextKey() => (int)NextBelow((ulong)_options.Keys);

    // xorshift64*: per-session, seeded, allocation-free.
    private ulong NextBelow(ulong bound)
    {
        _rng ^= _rng >> 12;
        _rng ^= _rng << 25;
        _rng ^= _rng >> 27;
        return (_rng * 0x2545F4914F6CDD1DUL) % bound;
    }
}
