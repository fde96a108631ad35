using Corral.Core.Txns;
using Corral.Protocol;

namespace Corral.Core.Server;

public sealed partial class ServerCore
{
    /// <summary>The handshake of fact sheet §2.3.</summary>
    private void HandleConnect(CoreConnection conn, ReadOnlySpan<byte> payload)
    {
        conn.IsHandshakeStarted = true;
        ConnectRequest request;
        try
        {
            var r = new JuteReader(payload);
            request = ConnectRequest.Read(ref r);
        }
        catch (JuteException)
        {
            CloseConnection(conn);
            return;
        }

        // A client that has seen a newer zxid than ours must look for a more up-to-date server.
        if (request.LastZxidSeen > _tree.LastProcessedZxid)
        {
            CloseConnection(conn);
            return;
        }

        int timeout = Math.Clamp(request.TimeOut, _options.EffectiveMinSessionTimeoutMs, _options.EffectiveMaxSessionTimeoutMs);
        long now = NowMs;
        if (request.SessionId == 0)
        {
            long sessionId = _sessions.NextSessionId();
            var password = new byte[ConnectResponse.PasswordLength];
            _options.RandomFill(password);
            _sessions.Add(sessionId, timeout, now);
            Bind(conn, sessionId, timeout);
            var pending = new PendingRequest
            {
                Kind = PendingKind.Connect,
                StartTimestamp = _time.GetTimestamp(),
                ConnectResponse = new ConnectResponse(0, timeout, sessionId, password, false, request.ReadOnlyPresent),
            };
            SubmitWrite(conn, pending, sessionId, 0, now, new CreateSessionTxn(timeout, password));
            return;
        }

        bool valid = _tree.Sessions.TryGetValue(request.SessionId, out var record)
                     && _sessions.IsActive(request.SessionId)
                     && request.Passwd is not null
                     && record.Password.AsSpan().SequenceEqual(request.Passwd);
        if (!valid)
        {
            SendRecordFrame(conn, ConnectResponse.Invalid(request.ReadOnlyPresent));
            CloseConnection(conn);
            return;
        }
        // The session moves here: the connection that held it is closed.
        if (_bySession.TryGetValue(request.SessionId, out var previous) && previous != conn) CloseConnection(previous);
        _sessions.SetTimeout(request.SessionId, timeout, now);
        Bind(conn, request.SessionId, timeout);
        SendRecordFrame(conn, new ConnectResponse(0, timeout, request.SessionId, record!.Password, false, request.ReadOnlyPresent));
    }

    private void Bind(CoreConnection conn, long sessionId, int timeout)
    {
        conn.SessionId = sessionId;
        conn.SessionTimeoutMs = timeout;
        _bySession[sessionId] = conn;
    }
}
