using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Corral.Server.Tests.Fixtures;

/// <summary>A bare TCP client that writes exact bytes and reads exact frames, with deadlines.</summary>
public sealed class RawClient : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port);
        return new RawClient(tcp);
    }

    public Socket Socket => _tcp.Client;

    public async Task WriteAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Builds a frame: 4-byte big-endian length, then the payload.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        payload.CopyTo(frame.AsSpan(4));
        return frame;
    }

    /// <summary>A frame whose payload is (xid, op) followed by <paramref name="extra"/> bytes.</summary>
    public static byte[] Request(int xid, int op, int extra = 0)
    {
        var payload = new byte[8 + extra];
        BinaryPrimitives.WriteInt32BigEndian(payload, xid);
        BinaryPrimitives.WriteInt32BigEndian(payload.AsSpan(4), op);
        return Frame(payload);
    }

    public static byte[] Int(int value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, value);
        return b;
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes, or throws on EOF or timeout.</summary>
    public async Task<byte[]> ReadExactlyAsync(int count, TimeSpan? timeout = null)
    {
        var buffer = new byte[count];
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        await _stream.ReadExactlyAsync(buffer, cts.Token);
        return buffer;
    }

    /// <summary>Reads one length-prefixed frame and returns its payload.</summary>
    public async Task<byte[]> ReadFrameAsync(TimeSpan? timeout = null)
    {
        int length = BinaryPrimitives.ReadInt32BigEndian(await ReadExactlyAsync(4, timeout));
        return await ReadExactlyAsync(length, timeout);
    }

    /// <summary>Reads until the server closes; returns everything received.</summary>
    public async Task<byte[]> ReadToEndAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        using var all = new MemoryStream();
        await _stream.CopyToAsync(all, cts.Token);
        return all.ToArray();
    }

    public async Task<string> ReadTextToEndAsync() => Encoding.ASCII.GetString(await ReadToEndAsync());

    /// <summary>True when the server has closed the connection (EOF or reset) within the timeout.</summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan? timeout = null)
    {
        try
        {
            var rest = await ReadToEndAsync(timeout);
            return true;
        }
        catch (IOException)
        {
            return true; // reset
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
