namespace Corral.Zab.Tests.Simulation;

/// <summary>
/// The simulated network between peers: per-link delay (FIFO unless a message is picked for
/// reordering), loss, duplication, symmetric and asymmetric partitions, plus hooks for scripted
/// scenarios: a drop filter and stalled links whose messages wait, in order, until released.
/// </summary>
public sealed class SimNetwork(SimRandom rng)
{
    private readonly HashSet<(int From, int To)> _blocked = [];
    private readonly Dictionary<(int, int), long> _lastDelivery = new();
    private readonly Dictionary<(int, int), List<ZabMessage>> _stalled = new();

    public FaultPlan Faults { get; set; } = new();
    /// <summary>Scripted scenarios: return true to drop a message at send time.</summary>
    public Func<ZabMessage, bool>? DropFilter { get; set; }
    /// <summary>Scripted scenarios: the first message matching this stalls its link (it and everything after it wait for <see cref="Release"/>).</summary>
    public Func<ZabMessage, bool>? StallWhen { get; set; }
    public int Sent { get; private set; }
    public int Dropped { get; private set; }

    public bool IsBlocked(int from, int to) => _blocked.Contains((from, to));
    public void Block(int from, int to) => _blocked.Add((from, to));
    public void HealAll() => _blocked.Clear();

    /// <summary>Cuts every link between the two groups, in both directions.</summary>
    public void Partition(IEnumerable<int> side, IEnumerable<int> otherSide)
    {
        var b = otherSide.ToList();
        foreach (var x in side)
            foreach (var y in b) { Block(x, y); Block(y, x); }
    }

    /// <summary>Holds every message on the link from now on, preserving their order, until <see cref="Release"/>.</summary>
    public void Stall(int from, int to) => _stalled.TryAdd((from, to), []);

    public IEnumerable<ZabMessage> Release(int from, int to, long now, Action<long, ZabMessage> schedule)
    {
        if (!_stalled.Remove((from, to), out var held)) return [];
        foreach (var m in held) Send(m, now, schedule);
        return held;
    }

    public IReadOnlyList<ZabMessage> Held(int from, int to) => _stalled.TryGetValue((from, to), out var h) ? h : [];

    public void Send(ZabMessage m, long now, Action<long, ZabMessage> schedule)
    {
        Sent++;
        if (DropFilter?.Invoke(m) == true || _blocked.Contains((m.From, m.To)) || rng.Chance(Faults.LossRate))
        {
            Dropped++;
            return;
        }
        if (StallWhen?.Invoke(m) == true)
        {
            StallWhen = null;
            Stall(m.From, m.To);
        }
        if (_stalled.TryGetValue((m.From, m.To), out var held))
        {
            held.Add(m);
            return;
        }
        var copies = rng.Chance(Faults.DuplicateRate) ? 2 : 1;
        for (var i = 0; i < copies; i++)
        {
            var at = now + rng.Next(Faults.MinDelayMs, Faults.MaxDelayMs + 1);
            if (i == 0 && !rng.Chance(Faults.ReorderRate))
            {
                // FIFO on the link, as over TCP, unless this message was picked to overtake or lag.
                var key = (m.From, m.To);
                at = Math.Max(at, _lastDelivery.GetValueOrDefault(key));
                _lastDelivery[key] = at;
            }
            else at += rng.Next(Faults.MaxDelayMs * 3 + 5);
            schedule(at, m);
        }
    }

    /// <summary>A partition that starts while a message is in flight also stops it.</summary>
    public bool CanDeliver(ZabMessage m) => !_blocked.Contains((m.From, m.To));
}
