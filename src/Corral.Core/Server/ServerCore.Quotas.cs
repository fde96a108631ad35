using Corral.Core.Quotas;

namespace Corral.Core.Server;

public sealed partial class ServerCore
{
    /// <summary>The quota check of creates and setData, with its soft/hard counters (see docs/quotas.md).</summary>
    public QuotaChecker Quotas => _preparer.Quotas;
}
