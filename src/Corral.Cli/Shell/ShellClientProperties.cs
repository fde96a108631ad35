namespace Corral.Cli.Shell;

/// <summary>
/// zkCli's TLS client properties given as `-Dkey=value` (zookeeper.client.secure, zookeeper.ssl.*),
/// so a zkCli command line's JVM flags can be reused. The `zookeeper.` prefix is optional. Other
/// keys are ignored, as a JVM ignores system properties nobody reads.
/// </summary>
public static class ShellClientProperties
{
    /// <summary>
    /// Applies the properties over the settings from the --tls* flags; returns the result, or null when
    /// TLS is off (neither <paramref name="flagsChoseTls"/> nor zookeeper.client.secure=true).
    /// </summary>
    /// <exception cref="ShellException">A property is not key=value, or a boolean is neither true nor false.</exception>
    public static ShellTlsSettings? Apply(IEnumerable<string> properties, ShellTlsSettings flags, bool flagsChoseTls)
    {
        bool? secure = null;
        var s = flags;
        foreach (var property in properties)
        {
            int eq = property.IndexOf('=');
            if (eq <= 0) throw new ShellException($"-D{property}: expected -Dkey=value");
            string key = property[..eq].Trim();
            string value = property[(eq + 1)..].Trim();
            if (key.StartsWith("zookeeper.", StringComparison.Ordinal)) key = key["zookeeper.".Length..];
            switch (key)
            {
                case "client.secure": secure = Bool(property, value); break;
                case "ssl.keyStore.location": s = s with { CertificatePath = value }; break;
                case "ssl.keyStore.password": s = s with { Password = value }; break;
                case "ssl.keyStore.type": s = s with { CertificateType = value }; break;
                case "ssl.trustStore.location": s = s with { TrustedRootsPath = value }; break;
                case "ssl.trustStore.password": s = s with { TrustedRootsPassword = value }; break;
                case "ssl.trustStore.type": s = s with { TrustedRootsType = value }; break;
                case "ssl.hostnameVerification": s = s with { VerifyHostName = Bool(property, value) }; break;
            }
        }
        // As in zkCli, the ssl.* keys only matter once client.secure is true; --tls* flags choose TLS on their own.
        return flagsChoseTls || secure == true ? s : null;
    }

    private static bool Bool(string property, string value) =>
        bool.TryParse(value, out bool b) ? b : throw new ShellException($"-D{property}: expected true or false");
}
