namespace Corral.Zab;

/// <summary>
/// Majority quorums over the voting members. Observers are members that replicate but never vote:
/// they are not counted in any quorum, so adding them never changes what a quorum is.
/// </summary>
public sealed class QuorumVerifier
{
    private readonly HashSet<int> _voters;
    private readonly HashSet<int> _observers;

    public QuorumVerifier(IEnumerable<int> voters, IEnumerable<int>? observers = null)
    {
        _voters = new HashSet<int>(voters);
        _observers = new HashSet<int>(observers ?? []);
        if (_voters.Count == 0) throw new ArgumentException("an ensemble needs at least one voter", nameof(voters));
        if (_voters.Overlaps(_observers)) throw new ArgumentException("a server cannot be both a voter and an observer", nameof(observers));
    }

    public IReadOnlyCollection<int> Voters => _voters;
    public IReadOnlyCollection<int> Observers => _observers;
    public IEnumerable<int> Members => _voters.Concat(_observers);

    public bool IsVoter(long sid) => sid is >= int.MinValue and <= int.MaxValue && _voters.Contains((int)sid);
    public bool IsObserver(int sid) => _observers.Contains(sid);
    public bool IsMember(int sid) => _voters.Contains(sid) || _observers.Contains(sid);

    /// <summary>True when the distinct voters among <paramref name="sids"/> are a strict majority of all voters.</summary>
    public bool IsQuorum(IEnumerable<int> sids)
    {
        var count = 0;
        foreach (var sid in sids.Distinct())
            if (_voters.Contains(sid)) count++;
        return count * 2 > _voters.Count;
    }
}
