#!/usr/bin/env python3
"""ACL matrix through kazoo: operations x permission sets x schemes, the same against Corral and
Apache ZooKeeper. Usage: acl_matrix.py HOST:PORT

For each case a node N (with child N/child) gets the ACL [(perms, id), (ALL, digest:admin)] and a
caller (digest bob, ip 127.0.0.1) runs one operation on it. Expected: OK exactly when the id is
one of the caller's and perms has the bit ZooKeeper checks (CREATE/DELETE on N as the parent,
READ|ADMIN for getACL), NOAUTH otherwise; getACL masks digest hashes unless ADMIN is granted.
Prints every mismatch, the case count, and "ALL OK" last when there is none.

--zk38: exists does not check READ (ZooKeeper 3.8; 3.9 and Corral answer NOAUTH on a node the
caller may not read).
"""
import sys
import uuid

from kazoo.client import KazooClient
from kazoo.exceptions import NoAuthError
from kazoo.security import ACL, Id, Permissions, make_digest_acl_credential, OPEN_ACL_UNSAFE

READ, WRITE, CREATE, DELETE, ADMIN, ALL = (Permissions.READ, Permissions.WRITE, Permissions.CREATE,
                                           Permissions.DELETE, Permissions.ADMIN, Permissions.ALL)
hosts = sys.argv[1]
zk38 = "--zk38" in sys.argv[2:]
admin = KazooClient(hosts=hosts, auth_data=[("digest", "admin:pw")], timeout=20)
caller = KazooClient(hosts=hosts, auth_data=[("digest", "bob:secret")], timeout=20)
admin.start(timeout=30)
caller.start(timeout=30)

ADMIN_ID = Id("digest", make_digest_acl_credential("admin", "pw"))
BOB = Id("digest", make_digest_acl_credential("bob", "secret"))
EVE = Id("digest", make_digest_acl_credential("eve", "secret"))

SCHEMES = [
    ("world:anyone", Id("world", "anyone"), True),
    ("digest match", BOB, True),
    ("digest other", EVE, False),
    ("ip exact", Id("ip", "127.0.0.1"), True),
    ("ip /8", Id("ip", "127.0.0.0/8"), True),
    ("ip other /8", Id("ip", "10.0.0.0/8"), False),
    ("auth", Id("auth", ""), True),
]
PERMS = [0, READ, WRITE, CREATE, DELETE, ADMIN, ALL,
         ALL & ~READ, ALL & ~WRITE, ALL & ~CREATE, ALL & ~DELETE, ALL & ~ADMIN]


def multi(build):
    t = caller.transaction()
    build(t)
    result = t.commit()[0]
    if isinstance(result, Exception):
        raise result
    return result


OPS = [
    ("create", CREATE, lambda n: caller.create(n + "/new")),
    ("delete", DELETE, lambda n: caller.delete(n + "/child")),
    ("setData", WRITE, lambda n: caller.set(n, b"x")),
    ("setACL", ADMIN, lambda n: caller.set_acls(n, OPEN_ACL_UNSAFE)),
    ("getData", READ, lambda n: caller.get(n)),
    ("getChildren", READ, lambda n: caller.get_children(n)),
    ("exists", READ, lambda n: caller.exists(n)),
    ("getACL", READ | ADMIN, lambda n: caller.get_acls(n)),
    ("multi create", CREATE, lambda n: multi(lambda t: t.create(n + "/new"))),
    ("multi delete", DELETE, lambda n: multi(lambda t: t.delete(n + "/child"))),
    ("multi setData", WRITE, lambda n: multi(lambda t: t.set_data(n, b"x"))),
    ("multi check", READ, lambda n: multi(lambda t: t.check(n, 0))),
]

base = "/acl-matrix-" + uuid.uuid4().hex
admin.create(base)
mismatches = []
cases = 0
for scheme, ident, matches in SCHEMES:
    for perms in PERMS:
        for name, needed, op in OPS:
            cases += 1
            node = f"{base}/c{cases}"
            admin.create(node, b"d")
            admin.create(node + "/child")
            setter = caller if ident.scheme == "auth" else admin
            setter.set_acls(node, [ACL(perms, ident), ACL(ALL, ADMIN_ID)])
            expected = "OK" if matches and perms & needed or (zk38 and name == "exists") else "NOAUTH"
            try:
                result = op(node)
                actual = "OK"
            except NoAuthError:
                actual = "NOAUTH"
            except Exception as e:  # anything else is a mismatch, named
                actual = type(e).__name__
            if actual != expected:
                mismatches.append(f"{name} / {scheme} / perms {perms}: expected {expected}, got {actual}")
            elif name == "getACL" and actual == "OK":
                shown = [a.id.id for a in result[0] if a.id.scheme == "digest"]
                granted_admin = matches and perms & ADMIN
                masked = all(i.endswith(":x") for i in shown)
                if masked == bool(granted_admin):
                    mismatches.append(f"getACL / {scheme} / perms {perms}: digest ids shown as {shown}")
            if ident.scheme == "auth" and name == "getData":
                stored = admin.get_acls(node)[0]
                if [(a.perms, a.id.scheme, a.id.id) for a in stored] != [(perms, "digest", BOB.id), (ALL, "digest", ADMIN_ID.id)]:
                    mismatches.append(f"auth / perms {perms}: expanded to {stored}")

caller.stop()
admin.stop()
for m in mismatches:
    print("MISMATCH " + m)
print(f"{cases} cases, {len(mismatches)} mismatches")
if mismatches:
    sys.exit(1)
print("ALL OK")
