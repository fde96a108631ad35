#!/usr/bin/python3
"""Runs kazoo's recipes against a ZooKeeper-compatible server with two or more clients and checks
their outcomes exactly. Usage: kazoo_recipes.py HOST:PORT. Prints "ok <recipe>" per recipe and
"ALL OK" at the end; any failure raises (non-zero exit)."""
import sys
import threading
import time
import uuid

from kazoo.client import KazooClient
from kazoo.recipe.cache import TreeCache, TreeEvent

HOSTS = sys.argv[1]
DEADLINE = 15.0


def ok(step):
    print("ok", step, flush=True)


def expect(actual, expected, what):
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")


def wait_until(cond, what, timeout=DEADLINE):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def client():
    c = KazooClient(hosts=HOSTS, timeout=10.0)
    c.start(timeout=DEADLINE)
    return c


a, b, c = client(), client(), client()
root = "/recipes-" + uuid.uuid4().hex[:8]
a.ensure_path(root)

# --- Lock: mutual exclusion and hand-over in order -----------------------------------------------
lock_a = a.Lock(root + "/lock", "a")
lock_b = b.Lock(root + "/lock", "b")
expect(lock_a.acquire(timeout=DEADLINE), True, "a acquires")
expect(lock_b.acquire(blocking=False), False, "b cannot acquire while a holds")
expect(lock_a.contenders(), ["a"], "contenders while a holds")
got_b = threading.Event()
threading.Thread(target=lambda: (lock_b.acquire(timeout=DEADLINE), got_b.set()), daemon=True).start()
wait_until(lambda: lock_a.contenders() == ["a", "b"], "b queued behind a")
lock_a.release()
if not got_b.wait(DEADLINE):
    raise AssertionError("b never got the lock")
expect(lock_b.contenders(), ["b"], "contenders after hand-over")
lock_b.release()
ok("Lock")

# --- ReadLock / WriteLock: readers share, writers exclude ----------------------------------------
r1 = a.ReadLock(root + "/rw", "r1")
r2 = b.ReadLock(root + "/rw", "r2")
w = c.WriteLock(root + "/rw", "w")
expect(r1.acquire(timeout=DEADLINE), True, "first reader")
expect(r2.acquire(timeout=DEADLINE), True, "second reader shares")
expect(w.acquire(blocking=False), False, "writer excluded by readers")
r1.release()
r2.release()
expect(w.acquire(timeout=DEADLINE), True, "writer after readers leave")
expect(a.ReadLock(root + "/rw", "r3").acquire(blocking=False), False, "reader excluded by writer")
w.release()
ok("ReadLock/WriteLock")

# --- Election: the first contender leads; the next takes over when it leaves -------------------
leaders = []
led = threading.Event()
stop_a = threading.Event()


def lead(name, stop):
    leaders.append(name)
    led.set()
    stop.wait(DEADLINE)


e_a = a.Election(root + "/election", "A")
e_b = b.Election(root + "/election", "B")
t_a = threading.Thread(target=lambda: e_a.run(lead, "A", stop_a), daemon=True)
t_a.start()
if not led.wait(DEADLINE):
    raise AssertionError("no leader elected")
led.clear()
stop_b = threading.Event()
t_b = threading.Thread(target=lambda: e_b.run(lead, "B", stop_b), daemon=True)
t_b.start()
wait_until(lambda: e_b.contenders() == ["A", "B"], "B waiting behind A")
expect(leaders, ["A"], "only A leads")
stop_a.set()
if not led.wait(DEADLINE):
    raise AssertionError("B never took over")
expect(leaders, ["A", "B"], "B leads after A")
stop_b.set()
t_a.join(DEADLINE)
t_b.join(DEADLINE)
ok("Election")

# --- Barrier -------------------------------------------------------------------------------------
barrier = a.Barrier(root + "/barrier")
barrier.create()
passed = threading.Event()
threading.Thread(target=lambda: (b.Barrier(root + "/barrier").wait(DEADLINE), passed.set()), daemon=True).start()
expect(passed.wait(0.3), False, "waiter blocked while the barrier stands")
barrier.remove()
if not passed.wait(DEADLINE):
    raise AssertionError("waiter not released by barrier removal")
ok("Barrier")

# --- DoubleBarrier: nobody enters until all three arrive -------------------------------------------
entered = []
left = []


def party_member(zk, name):
    db = zk.DoubleBarrier(root + "/double", 3, name)
    db.enter()
    entered.append(name)
    db.leave()
    left.append(name)


threads = [threading.Thread(target=party_member, args=(zk, n), daemon=True) for zk, n in ((a, "a"), (b, "b"))]
for t in threads:
    t.start()
time.sleep(0.3)  # not a synchronisation: gives the two members the chance to (wrongly) enter early
expect(entered, [], "no one enters before the third member")
threads.append(threading.Thread(target=party_member, args=(c, "c"), daemon=True))
threads[-1].start()
for t in threads:
    t.join(DEADLINE)
expect(sorted(entered), ["a", "b", "c"], "all entered")
expect(sorted(left), ["a", "b", "c"], "all left")
ok("DoubleBarrier")

# --- Queue: FIFO within a priority, priorities first ------------------------------------------------
q = a.Queue(root + "/queue")
q.put(b"one")
q.put(b"two")
q.put(b"urgent", priority=10)
q.put(b"first", priority=1)
expect(len(q), 4, "queue length")
expect([b.Queue(root + "/queue").get() for _ in range(4)], [b"first", b"urgent", b"one", b"two"], "queue order")
expect(q.get(), None, "empty queue")
ok("Queue")

# --- LockingQueue: an item is held until consumed --------------------------------------------------
lq = a.LockingQueue(root + "/lqueue")
lq.put(b"job1")
lq.put(b"job2")
consumer = b.LockingQueue(root + "/lqueue")
expect(consumer.get(DEADLINE), b"job1", "first job")
expect(c.LockingQueue(root + "/lqueue").get(DEADLINE), b"job2", "second consumer skips the held job")
expect(consumer.consume(), True, "consume job1")
expect(len(lq), 1, "one job left after consume")
ok("LockingQueue")

# --- Counter: concurrent increments are not lost -----------------------------------------------------
counters = [zk.Counter(root + "/counter") for zk in (a, b, c)]


def bump(counter):
    for _ in range(10):
        counter += 1


ts = [threading.Thread(target=bump, args=(ct,), daemon=True) for ct in counters]
for t in ts:
    t.start()
for t in ts:
    t.join(DEADLINE)
expect(a.Counter(root + "/counter").value, 30, "counter after 30 increments")
ok("Counter")

# --- Semaphore: at most max_leases holders ---------------------------------------------------------------
s1 = a.Semaphore(root + "/sem", "s1", max_leases=2)
s2 = b.Semaphore(root + "/sem", "s2", max_leases=2)
s3 = c.Semaphore(root + "/sem", "s3", max_leases=2)
expect(s1.acquire(timeout=DEADLINE), True, "lease 1")
expect(s2.acquire(timeout=DEADLINE), True, "lease 2")
expect(s3.acquire(blocking=False), False, "third lease refused")
expect(sorted(s1.lease_holders()), ["s1", "s2"], "lease holders")
s1.release()
expect(s3.acquire(timeout=DEADLINE), True, "third lease after a release")
s2.release()
s3.release()
ok("Semaphore")

# --- Party: membership follows joins and leaves ------------------------------------------------------------
pa = a.Party(root + "/party", "pa")
pb = b.Party(root + "/party", "pb")
pa.join()
pb.join()
expect(sorted(pa), ["pa", "pb"], "both members")
expect(len(pb), 2, "party size")
pb.leave()
expect(list(pa), ["pa"], "after pb leaves")
pa.leave()
ok("Party")

# --- TreeCache: mirrors creates, updates and deletes ------------------------------------------------------
a.ensure_path(root + "/tree")
events = []
cache = TreeCache(b, root + "/tree")
cache.listen(lambda ev: events.append((ev.event_type, ev.event_data.path if ev.event_data else None)))
cache.start()
wait_until(lambda: any(t == TreeEvent.INITIALIZED for t, _ in events), "cache initialised")
a.create(root + "/tree/x", b"1")
wait_until(lambda: cache.get_data(root + "/tree/x") is not None, "cache sees x")
expect(cache.get_data(root + "/tree/x").data, b"1", "cached data")
a.set(root + "/tree/x", b"2")
wait_until(lambda: cache.get_data(root + "/tree/x").data == b"2", "cache sees update")
a.create(root + "/tree/x/y", b"deep")
wait_until(lambda: cache.get_children(root + "/tree/x") == frozenset(["y"]), "cache sees nested child")
a.delete(root + "/tree/x", recursive=True)
wait_until(lambda: cache.get_data(root + "/tree/x") is None, "cache sees delete")
kinds = lambda: [t for t, p in events if p == root + "/tree/x"]
wait_until(lambda: len(kinds()) == 3, "removal event")
expect(kinds(), [TreeEvent.NODE_ADDED, TreeEvent.NODE_UPDATED, TreeEvent.NODE_REMOVED], "TreeCache events for x")
cache.close()
ok("TreeCache")

a.delete(root, recursive=True)
for zk in (a, b, c):
    zk.stop()
    zk.close()
print("ALL OK", flush=True)
