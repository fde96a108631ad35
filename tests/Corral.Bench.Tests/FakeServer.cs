using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Corral.Bench;
using Corral.Protocol;

namespace Corral.Bench.Tests;

/// <summary>How the fake server misbehaves on getData.</summary>
public enum Misbehaviour { CorruptData, WrongXid, HangUp }

/// <summary>
/// A minimal ZooKeeper-speaking server that answers set-up and clean-up requests correctly and
/// getData wrongly, to prove the bench counts and shows server faults instead of hiding them.
/// </summary>
public sealed class FakeServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Misbehaviour _misbehaviour;
    private readonly Task _accepting;
    private readonly int _size;

    public FakeServer(Misbehaviour misbehaviour, int size)
    {
        _misbehaviour = misbehaviour;
        _size = size;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public DnsEndPoint Host => new("127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port);

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true) connections.Add(ServeAsync(await _listener.AcceptTcpClientAsync(_stop.Token)));
        }
        catch (OperationCanceledException) { }
        await Task.WhenAll(connections);
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        try
        {
            await ReadFrameAsync(stream); // ConnectRequest
            using (var f = new FrameWriter())
            {
                f.WriteFrame(new ConnectResponse(0, 30_000, 1, new byte[16]));
                await stream.WriteAsync(f.WrittenMemory, _stop.Token);
            }
            while (await ReadFrameAsync(stream) is { } request)
            {
                if (_misbehaviour == Misbehaviour.HangUp && IsGetData(request)) return;
                var reply = Answer(request);
                await stream.WriteAsync(reply, _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException) { }
    }

    private static bool IsGetData(byte[] request) => BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(4)) == (int)OpCode.GetData;

    private byte[] Answer(byte[] request)
    {
        var r = new JuteReader(request);
        var header = RequestHeader.Read(ref r);
        using var f = new FrameWriter();
        f.BeginFrame();
        var w = new JuteWriter(f);
        int xid = header.Type == OpCode.GetData && _misbehaviour == Misbehaviour.WrongXid ? header.Xid + 1000 : header.Xid;
        new ReplyHeader(xid, 1, ErrorCode.Ok).Write(ref w);
        switch (header.Type)
        {
            case OpCode.Create:
                w.WriteString(CreateRequest.Read(ref r).Path);
                break;
            case OpCode.SetData:
                new Stat(1, 1, 0, 0, 1, 0, 0, 0, _size, 0, 1).Write(ref w);
                break;
            case OpCode.GetChildren:
                w.WriteInt(0);
                break;
            case OpCode.GetData:
                string path = GetDataRequest.Read(ref r).Path!;
                var data = new byte[_size];
                Payload.Fill(data, int.Parse(path[(path.LastIndexOf('k') + 1)..]), 0);
                data[^1] ^= 0xFF;
                w.WriteBuffer(data);
                new Stat(1, 1, 0, 0, 0, 0, 0, 0, _size, 0, 1).Write(ref w);
                break;
        }
        f.FinishFrame();
        return f.WrittenSpan.ToArray();
    }

    private async Task<byte[]?> ReadFrameAsync(NetworkStream stream)
    {
        var prefix = new byte[4];
        if (!await ReadExactlyOrEndAsync(stream, prefix)) return null;
        var payload = new byte[BinaryPrimitives.ReadInt32BigEndian(prefix)];
        return await ReadExactlyOrEndAsync(stream, payload) ? payload : null;
    }

    private async Task<bool> ReadExactlyOrEndAsync(NetworkStream stream, byte[] buffer)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, _stop.Token);
            return true;
        }
        catch (EndOfStreamException) { return false; }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
