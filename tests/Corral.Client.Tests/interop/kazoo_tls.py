#!/usr/bin/env python3
"""kazoo over TLS against a secure client port.

Usage: kazoo_tls.py HOST:PORT CA_PEM CERT_PEM KEY_PEM EXPECTED_SUBJECT
Connects with a client certificate, creates a node whose ACL is "auth" (which the server must
expand to the certificate's x509 identity), reads it back, and deletes it. Prints "ALL OK" last.
"""
import sys
import uuid

from kazoo.client import KazooClient
from kazoo.security import ACL, Id, Permissions

hosts, ca, cert, key, subject = sys.argv[1:6]


def check(what, actual, expected):
    if actual != expected:
        print(f"FAIL {what}: expected {expected!r}, got {actual!r}")
        sys.exit(1)
    print(f"ok {what}")


zk = KazooClient(hosts=hosts, use_ssl=True, ca=ca, certfile=cert, keyfile=key, verify_certs=True)
zk.start(timeout=20)
try:
    path = "/kazoo-tls-" + uuid.uuid4().hex
    zk.create(path, b"over tls", acl=[ACL(Permissions.ALL, Id("auth", ""))])
    acls, stat = zk.get_acls(path)
    check("auth ACL expands to the certificate subject", [(a.perms, a.id.scheme, a.id.id) for a in acls],
          [(Permissions.ALL, "x509", subject)])
    data, stat = zk.get(path)
    check("data read back", data, b"over tls")
    zk.delete(path)
    check("deleted", zk.exists(path), None)
finally:
    zk.stop()
print("ALL OK")
