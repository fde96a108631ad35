using Corral.Protocol;

namespace Corral.Core.Processing;

/// <summary>Who is asking, and the zxid and time the resulting transaction will carry.</summary>
public readonly record struct PrepContext(long SessionId, IReadOnlyList<Id> Ids, long Zxid, long Time);
