using System.Globalization;

namespace Corral.Server.Configuration;

/// <summary>
/// Reads a ZooKeeper zoo.cfg (java.util.Properties subset: <c>key=value</c> lines, <c>#</c> or
/// <c>!</c> comments, blank lines) into <see cref="CorralServerOptions"/>. Every rejected line is
/// reported as <c>file:line: key=value: reason</c>.
/// </summary>
public static class ZooCfgParser
{
    /// <summary>Loads and parses a file; a missing file is a <see cref="ConfigurationException"/>.</summary>
    public static CorralServerOptions Load(string path, CorralServerOptions? into = null)
    {
        if (!File.Exists(path)) throw new ConfigurationException($"config file {path} does not exist");
        var options = Parse(File.ReadAllText(path), path, into);
        // ZooKeeper resolves a relative dataDir against the working directory; so do we (nothing to do).
        return options;
    }

    /// <summary>Parses zoo.cfg text into <paramref name="into"/> (or fresh defaults).</summary>
    public static CorralServerOptions Parse(string text, string sourceName = "zoo.cfg", CorralServerOptions? into = null)
    {
        // A zoo.cfg has ZooKeeper's semantics: the admin server runs unless the file turns it off.
        var options = into ?? new CorralServerOptions { AdminEnableServer = true };
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line[0] is '#' or '!') continue;
            int eq = line.IndexOf('=');
            if (eq <= 0)
                throw new ConfigurationException($"{sourceName}:{i + 1}: '{line}' is not a key=value line");
            string key = line[..eq].Trim();
            string value = line[(eq + 1)..].Trim();
            try
            {
                Apply(options, key, value);
            }
            catch (ConfigurationException e)
            {
                throw new ConfigurationException($"{sourceName}:{i + 1}: {e.Message}");
            }
        }
        return options;
    }

    /// <summary>Applies one key; also used for command-line overrides so they share validation.</summary>
    public static void Apply(CorralServerOptions o, string key, string value)
    {
        if (SecurityConfigKeys.TryApply(o, key, value)) return;
        switch (key)
        {
            case "tickTime": o.TickTime = Int(key, value); break;
            case "clientPort": o.ClientPort = Int(key, value); break;
            case "clientPortAddress": o.ClientPortAddress = NonEmpty(key, value); break;
            case "dataDir": o.DataDir = NonEmpty(key, value); break;
            case "dataLogDir": o.DataLogDir = NonEmpty(key, value); break;
            case "maxClientCnxns": o.MaxClientCnxns = Int(key, value); break;
            case "minSessionTimeout": o.MinSessionTimeout = Int(key, value); break;
            case "maxSessionTimeout": o.MaxSessionTimeout = Int(key, value); break;
            case "extendedTypesEnabled":
            case "zookeeper.extendedTypesEnabled": o.ExtendedTypesEnabled = Bool(key, value); break;
            case "enforceQuota":
            case "zookeeper.enforceQuota": o.EnforceQuota = Bool(key, value); break;
            case "DigestAuthenticationProvider.superDigest":
            case "zookeeper.DigestAuthenticationProvider.superDigest": o.SuperDigest = NonEmpty(key, value); break;
            case "4lw.commands.whitelist": o.FourLetterWordWhitelist = Whitelist(key, value); break;
            case "znode.container.checkIntervalMs": o.ContainerCheckIntervalMs = Int(key, value); break;
            case "snapCount": o.SnapCount = Int(key, value); break;
            case "autopurge.snapRetainCount": o.AutopurgeSnapRetainCount = Int(key, value); break;
            case "autopurge.purgeInterval": o.AutopurgePurgeInterval = Int(key, value); break;
            case "forceSync": o.ForceSync = Bool(key, value); break;
            // ZooKeeper reads these as system properties; a zoo.cfg key becomes "zookeeper." + key.
            case "preAllocSize":
            case "zookeeper.preAllocSize": o.PreAllocSizeKb = Long(key, value); break;
            case "snapSizeLimitInKb":
            case "zookeeper.snapSizeLimitInKb": o.SnapSizeLimitInKb = Long(key, value); break;
            case "admin.enableServer": o.AdminEnableServer = Bool(key, value); break;
            case "admin.serverAddress": o.AdminServerAddress = NonEmpty(key, value); break;
            case "admin.serverPort": o.AdminServerPort = Int(key, value); break;
            case "admin.commandURL": o.AdminCommandUrl = NonEmpty(key, value); break;
            case "admin.authToken": o.AdminAuthToken = NonEmpty(key, value); break;
            case "admin.trustedAddresses": o.AdminTrustedAddresses = TrustedAddresses(key, value); break;
            case "4lw.costlyCommandsPerSecond": o.CostlyCommandsPerSecond = Int(key, value); break;
            case "audit.enable": o.AuditEnable = Bool(key, value); break;
            case "initLimit": o.InitLimit = Int(key, value); break;
            case "globalOutstandingLimit": o.GlobalOutstandingLimit = Int(key, value); break;
            case "syncLimit": o.SyncLimit = Int(key, value); break;
            default:
                if (key.StartsWith("server.", StringComparison.Ordinal))
                    o.Servers.Add(Server(key, value));
                else
                    o.UnrecognizedKeys[key] = value;
                break;
        }
    }

    private static int Int(string key, string value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n)
            ? n
            : throw new ConfigurationException($"{key}={value}: not a valid integer");

    private static long Long(string key, string value) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n)
            ? n
            : throw new ConfigurationException($"{key}={value}: not a valid integer");

    /// <summary>ZooKeeper accepts yes/no (forceSync) and true/false (everything else); we accept both everywhere.</summary>
    private static bool Bool(string key, string value) => value.ToLowerInvariant() switch
    {
        "true" or "yes" => true,
        "false" or "no" => false,
        _ => throw new ConfigurationException($"{key}={value}: expected true/false (or yes/no)"),
    };

    private static string NonEmpty(string key, string value) =>
        value.Length > 0 ? value : throw new ConfigurationException($"{key}=: value must not be empty");

    private static IReadOnlySet<string> Whitelist(string key, string value)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part != "*" && (part.Length != 4 || !part.All(char.IsAsciiLetterLower)))
                throw new ConfigurationException($"{key}={value}: '{part}' is not a four-letter word (or *)");
            words.Add(part);
        }
        return words;
    }

    /// <summary>Comma-separated IP addresses or CIDR blocks (10.0.0.0/8, ::1).</summary>
    private static IReadOnlyList<string> TrustedAddresses(string key, string value)
    {
        var list = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var entry in list)
            if (!System.Net.IPNetwork.TryParse(entry, out _) && !System.Net.IPAddress.TryParse(entry, out _))
                throw new ConfigurationException($"{key}={value}: '{entry}' is not an IP address or CIDR block");
        return list;
    }

    /// <summary>Parses <c>host:quorumPort:electionPort[:role][;[clientAddress:]clientPort]</c>.</summary>
    private static QuorumServerSpec Server(string key, string value)
    {
        if (!long.TryParse(key.AsSpan("server.".Length), NumberStyles.None, CultureInfo.InvariantCulture, out long id))
            throw new ConfigurationException($"{key}={value}: the server id after 'server.' must be a non-negative integer");
        string[] halves = value.Split(';');
        if (halves.Length > 2) throw new ConfigurationException($"{key}={value}: more than one ';'");
        string[] parts = halves[0].Split(':');
        if (parts.Length is < 3 or > 4 || parts[0].Length == 0)
            throw new ConfigurationException($"{key}={value}: expected host:quorumPort:electionPort[:participant|observer]");
        int quorumPort = Port(key, value, parts[1]);
        int electionPort = Port(key, value, parts[2]);
        string role = parts.Length == 4 ? parts[3] : "participant";
        if (role is not ("participant" or "observer"))
            throw new ConfigurationException($"{key}={value}: role '{role}' must be participant or observer");
        string? clientAddress = null;
        int? clientPort = null;
        if (halves.Length == 2)
        {
            string client = halves[1];
            int colon = client.LastIndexOf(':');
            if (colon >= 0) { clientAddress = client[..colon]; client = client[(colon + 1)..]; }
            clientPort = Port(key, value, client);
        }
        return new QuorumServerSpec(id, parts[0], quorumPort, electionPort, role, clientAddress, clientPort);
    }

    private static int Port(string key, string value, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p is > 0 and <= 65535
            ? p
            : throw new ConfigurationException($"{key}={value}: '{text}' is not a valid port");
}
