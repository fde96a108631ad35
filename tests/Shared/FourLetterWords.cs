using System.Net.Sockets;
using System.Text;

namespace Corral.Tests.Shared;

/// <summary>Asks a server one four-letter word over a fresh connection, with a bounded wait.</summary>
public static class FourLetterWords
{
    public static async Task<string> AskAsync(string host, int port, string word)
    {
        // A server that is still starting may accept and never answer: bound every probe.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(host, port, deadline.Token);
            await socket.SendAsync(Encoding.ASCII.GetBytes(word), deadline.Token);
            var buffer = new byte[65536];
            var text = new StringBuilder();
            int n;
            while ((n = await socket.ReceiveAsync(buffer, deadline.Token)) > 0) text.Append(Encoding.ASCII.GetString(buffer, 0, n));
            return text.ToString();
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return "";
        }
    }
}
