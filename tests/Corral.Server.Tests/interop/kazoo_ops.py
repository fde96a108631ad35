#!/usr/bin/python3
"""Drives every client operation through kazoo against a ZooKeeper-compatible server and checks
exact results. Usage: kazoo_ops.py HOST:PORT [--ttl]. Prints "ok <step>" per step and "ALL OK" at
the end; any mismatch raises (non-zero exit). The same script runs against Apache ZooKeeper 3.8
(companion test) so it encodes real ZooKeeper behaviour, not ours."""
import struct
import sys
import threading
import time
import uuid
from collections import namedtuple

from kazoo.client import KazooClient
from kazoo.exceptions import (BadVersionError, NoAuthError, NodeExistsError, NoNodeError,
                              NotEmptyError, RolledBackError, NoChildrenForEphemeralsError)
from kazoo.protocol.serialization import Create, int_struct, stat_struct, write_string, write_buffer, read_string
from kazoo.protocol.states import EventType, ZnodeStat
from kazoo.security import ACL, Id, make_digest_acl, make_digest_acl_credential, OPEN_ACL_UNSAFE, READ_ACL_UNSAFE

HOSTS = sys.argv[1]
TTL = "--ttl" in sys.argv
DEADLINE = 15.0


def ok(step):
    print("ok", step, flush=True)


def expect(actual, expected, what):
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")


def raises(exc, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except exc:
        return
    raise AssertionError(f"{fn.__name__}{args} did not raise {exc.__name__}")


def wait_until(cond, what, timeout=DEADLINE):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class CreateTTL(namedtuple('CreateTTL', 'path data acl flags ttl')):
    """CreateTTLRequest (opcode 21): kazoo 2.8 has no TTL API, so the record is spelled out here."""
    type = 21

    def serialize(self):
        b = bytearray()
        b.extend(write_string(self.path))
        b.extend(write_buffer(self.data))
        b.extend(int_struct.pack(len(self.acl)))
        for acl in self.acl:
            b.extend(int_struct.pack(acl.perms) + write_string(acl.id.scheme) + write_string(acl.id.id))
        b.extend(int_struct.pack(self.flags))
        b.extend(struct.pack("!q", self.ttl))
        return b

    @classmethod
    def deserialize(cls, bytes, offset):
        path, offset = read_string(bytes, offset)
        return path


class CreateContainer(namedtuple('CreateContainer', 'path data acl flags')):
    """createContainer (opcode 19): a plain create with flags 4 makes an ordinary node in ZooKeeper;
    only this opcode makes a container. The reply is Create2Response (path, stat)."""
    type = 19

    def serialize(self):
        return Create(self.path, self.data, self.acl, self.flags).serialize()

    @classmethod
    def deserialize(cls, bytes, offset):
        path, offset = read_string(bytes, offset)
        return path, ZnodeStat._make(stat_struct.unpack_from(bytes, offset))


def raw_create(zk, request):
    result = zk.handler.async_result()
    zk._call(request, result)
    return result.get(timeout=DEADLINE)


zk = KazooClient(hosts=HOSTS, timeout=10.0)
zk.start(timeout=DEADLINE)
other = KazooClient(hosts=HOSTS, timeout=10.0)
other.start(timeout=DEADLINE)
root = "/kz-" + uuid.uuid4().hex[:8]
ok("connect")

# --- create / get / exists / set / delete with exact Stat fields -----------------------------
path = zk.create(root, b"hello")
expect(path, root, "create returns the path")
data, st = zk.get(root)
expect(data, b"hello", "get data")
expect((st.version, st.cversion, st.aversion, st.ephemeralOwner, st.dataLength, st.numChildren),
       (0, 0, 0, 0, 5, 0), "fresh stat")
expect(st.czxid, st.mzxid, "czxid == mzxid on create")
expect(st.pzxid, st.czxid, "pzxid == czxid on create")
expect(zk.exists(root).czxid, st.czxid, "exists stat")
expect(zk.exists(root + "/missing"), None, "exists of a missing node")
raises(NodeExistsError, zk.create, root)
raises(NoNodeError, zk.create, root + "/no/parent")
raises(NoNodeError, zk.get, root + "/missing")
ok("create-get-exists")

st2 = zk.set(root, b"world", version=0)
expect((st2.version, st2.dataLength), (1, 5), "set with matching version")
expect(st2.czxid, st.czxid, "czxid unchanged by set")
if not st2.mzxid > st.mzxid:
    raise AssertionError("mzxid must grow on set")
raises(BadVersionError, zk.set, root, b"x", version=0)
st3 = zk.set(root, b"", version=-1)
expect((st3.version, st3.dataLength), (2, 0), "set with version -1")
expect(zk.get(root)[0], b"", "empty data")
ok("set-versions")

# --- children, sequential, ephemeral ------------------------------------------------------------
zk.create(root + "/b", b"")
zk.create(root + "/a", b"")
expect(sorted(zk.get_children(root)), ["a", "b"], "children")
children, cst = zk.get_children(root, include_data=True)
expect((cst.numChildren, cst.cversion), (2, 2), "children stat")
s1 = zk.create(root + "/seq-", b"", sequence=True)
s2 = zk.create(root + "/seq-", b"", sequence=True)
# The sequence suffix is the parent's cversion at create time (2 children created before).
expect(s1, root + "/seq-0000000002", "first sequential name")
expect(s2, root + "/seq-0000000003", "second sequential name")
e = zk.create(root + "/eph", b"e", ephemeral=True)
expect(zk.exists(e).ephemeralOwner, zk.client_id[0], "ephemeralOwner is the session id")
raises(NoChildrenForEphemeralsError, zk.create, e + "/child")
es = zk.create(root + "/eseq-", b"", ephemeral=True, sequence=True)
expect(es, root + "/eseq-0000000005", "ephemeral sequential name")
expect(other.exists(es).ephemeralOwner, zk.client_id[0], "other client sees the owner")
raises(NotEmptyError, zk.delete, root)
raises(BadVersionError, zk.delete, root + "/a", version=5)
zk.delete(root + "/a", version=0)
expect(zk.exists(root + "/a"), None, "deleted")
ok("children-sequential-ephemeral")

# --- sync -------------------------------------------------------------------------------------
expect(zk.sync(root), root, "sync echoes the path")
ok("sync")

# --- transactions -------------------------------------------------------------------------------
t = zk.transaction()
t.create(root + "/t1", b"1")
t.create(root + "/t1/child", b"c")
t.set_data(root + "/b", b"bb", version=0)
t.check(root + "/b", 1)
t.delete(root + "/seq-0000000002")
results = t.commit()
expect(results[0], root + "/t1", "txn create result")
expect(results[1], root + "/t1/child", "txn nested create result")
expect(results[2].version, 1, "txn setData stat")
expect(results[3:], [True, True], "txn check/delete results")
expect(zk.get(root + "/b")[0], b"bb", "txn applied")
t = zk.transaction()
t.create(root + "/t2", b"")
t.delete(root + "/does-not-exist")
t.set_data(root + "/b", b"zz")
results = t.commit()
expect(type(results[0]), RolledBackError, "earlier op rolled back")
expect(type(results[1]), NoNodeError, "failing op error")
expect(type(results[2]).__name__, "RuntimeInconsistency", "later op error")
expect(zk.exists(root + "/t2"), None, "failed txn applied nothing")
expect(zk.get(root + "/b")[0], b"bb", "failed txn left data alone")
ok("transactions")

# --- ACLs and digest auth -------------------------------------------------------------------------
acl = make_digest_acl("bob", "secret", all=True)
zk.create(root + "/secret", b"s", acl=[acl])
raises(NoAuthError, other.get, root + "/secret")
other.add_auth("digest", "bob:secret")
expect(other.get(root + "/secret")[0], b"s", "authorised read")
acls, ast = other.get_acls(root + "/secret")
expect(acls, [ACL(31, Id("digest", make_digest_acl_credential("bob", "secret")))], "get_acls")
expect(make_digest_acl_credential("bob", "secret"), "bob:fyVmFCwVbTJYrznoSu1koqYEYF0=", "digest format")
expect(ast.aversion, 0, "fresh aversion")
st = other.set_acls(root + "/secret", READ_ACL_UNSAFE, version=0)
expect(st.aversion, 1, "aversion after set_acls")
# ADMIN is gone now, and the permission check comes before the version check.
raises(NoAuthError, other.set_acls, root + "/secret", OPEN_ACL_UNSAFE, version=1)
expect(zk.get(root + "/secret")[0], b"s", "world-readable now")
raises(NoAuthError, zk.set, root + "/secret", b"x")
expect(zk.get_acls(root)[0], [ACL(31, Id("world", "anyone"))], "default ACL")
ok("acl-auth")

# --- watches ------------------------------------------------------------------------------------
events = []
got = threading.Event()


def watcher(event):
    events.append((event.type, event.path))
    got.set()


zk.get(root + "/b", watch=watcher)
other.set(root + "/b", b"changed")
if not got.wait(DEADLINE):
    raise AssertionError("no data watch event")
expect(events, [(EventType.CHANGED, root + "/b")], "data watch fires once")
got.clear()
other.set(root + "/b", b"again")
expect(zk.get(root + "/b")[0], b"again", "read after second set")
expect(len(events), 1, "one-shot watch does not fire twice")

zk.get_children(root, watch=watcher)
zk.exists(root + "/new", watch=watcher)
other.create(root + "/new", b"")
wait_until(lambda: len(events) == 3, "create events")
expect(sorted(events[1:], key=lambda e: e[0]),
       sorted([(EventType.CREATED, root + "/new"), (EventType.CHILD, root)], key=lambda e: e[0]),
       "exists + child watches on create")
zk.exists(root + "/new", watch=watcher)
other.delete(root + "/new")
wait_until(lambda: len(events) == 4, "delete event")
expect(events[3], (EventType.DELETED, root + "/new"), "exists watch on delete")

# A notification precedes the reply that reflects its transaction: once our own write returns,
# its event must already have been delivered to the client (kazoo dispatches it on another
# thread, so allow that thread a moment).
zk.get(root + "/b", watch=watcher)
zk.set(root + "/b", b"mine")
wait_until(lambda: len(events) == 5, "own-write event")
expect(events[4], (EventType.CHANGED, root + "/b"), "own-write data event")
ok("watches")

# --- containers and TTL nodes -------------------------------------------------------------------
container, cst = raw_create(zk, CreateContainer(root + "/box", b"", OPEN_ACL_UNSAFE, 4))
expect(container, root + "/box", "container create")
# The container marker stays inside the server: clients see ephemeralOwner 0.
expect(cst.ephemeralOwner, 0, "container ephemeralOwner as clients see it")
expect(cst.czxid, zk.exists(container).czxid, "Create2Response carries the stat")
zk.create(root + "/box/item", b"")
zk.delete(root + "/box/item")
wait_until(lambda: zk.exists(root + "/box") is None, "empty container reaped")
ok("container")
if TTL:
    ttl = raw_create(zk, CreateTTL(root + "/ttl", b"t", OPEN_ACL_UNSAFE, 5, 300))
    expect(ttl, root + "/ttl", "TTL create")
    expect(zk.exists(ttl).ephemeralOwner, 0, "TTL marker hidden from clients")
    wait_until(lambda: zk.exists(root + "/ttl") is None, "expired TTL node reaped")
    ok("ttl")

# --- session close removes ephemerals -------------------------------------------------------------
watched = threading.Event()
other.exists(e, watch=lambda ev: watched.set())
zk.stop()
zk.close()
if not watched.wait(DEADLINE):
    raise AssertionError("no event for ephemeral removal at session close")
expect(other.exists(e), None, "ephemeral removed")
expect(other.exists(es), None, "ephemeral sequential removed")
ok("close-session")

other.delete(root, recursive=True)
other.stop()
other.close()
print("ALL OK", flush=True)
