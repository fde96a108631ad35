using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Corral.Server.Admin;

/// <summary>
/// Decides whether an admin request may run a state-changing command: an
/// <c>Authorization: Bearer &lt;admin.authToken&gt;</c> header, or a TCP peer address inside
/// <c>admin.trustedAddresses</c>. Only the socket's own peer address is used: X-Forwarded-For and
/// similar headers are client-controlled and never trusted (CVE-2024-51504). With neither setting,
/// state-changing commands are refused.
/// </summary>
public sealed class AdminAuthorizer(string? token, IReadOnlyList<string> trustedAddresses)
{
    private readonly byte[]? _token = token is null ? null : Encoding.UTF8.GetBytes(token);
    private readonly IReadOnlyList<IPNetwork> _trusted = trustedAddresses.Select(Network).ToList();

    public bool IsAuthorized(HttpContext context)
    {
        if (_token is not null && context.Request.Headers.Authorization.ToString() is { } header
            && header.StartsWith("Bearer ", StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()), _token))
            return true;
        var remote = context.Connection.RemoteIpAddress;
        if (remote is null) return false;
        if (remote.IsIPv4MappedToIPv6) remote = remote.MapToIPv4();
        return _trusted.Any(n => n.Contains(remote));
    }

    private static IPNetwork Network(string entry) =>
        entry.Contains('/') ? IPNetwork.Parse(entry) : new IPNetwork(IPAddress.Parse(entry), IPAddress.Parse(entry).GetAddressBytes().Length * 8);
}
