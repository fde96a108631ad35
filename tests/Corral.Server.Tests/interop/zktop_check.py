#!/usr/bin/env python3
"""Runs zktop (Debian package zktop) against a server in a pseudo-terminal, renders its curses
screen with pyte, and checks that it shows the server: the summary line, the server row (mode S
for standalone) and the session of a live kazoo client. Usage: zktop_check.py host:port"""
import fcntl, os, pty, re, select, signal, struct, sys, termios, time

import pyte
from kazoo.client import KazooClient

hostport = sys.argv[1]
host, port = hostport.split(":")
COLS, ROWS = 120, 30

zk = KazooClient(hosts=hostport)
zk.start(timeout=20)
zk.exists("/")

pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    os.environ["TERM"] = "xterm"
    os.execv("/usr/bin/python3", ["/usr/bin/python3", "/usr/bin/zktop", "--servers", hostport, "--timeout", "5"])

screen = pyte.Screen(COLS, ROWS)
stream = pyte.ByteStream(screen)
checks = {
    "summary": re.compile(r"Ensemble -- nodecount:[1-9]\d* zxid:0x[0-9a-f]+ sessions:[1-9]\d*"),
    "server row": re.compile(r"^0\s+%s\s+%s S\s+\d+\s+\d+\s+\d+\s+[1-9]\d*\s+\d+\s+\d+(\.\d+)?\s+\d+" % (re.escape(host), port), re.M),
    "session row": re.compile(r"^127\.0\.0\.1\s+\d+ 0 1\s+\d+\s+[1-9]\d*\s+[1-9]\d*", re.M),
}
deadline = time.time() + 40
text = ""
try:
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.25)
        if ready:
            try:
                stream.feed(os.read(fd, 65536))
            except OSError:
                break
        text = "\n".join(line.rstrip() for line in screen.display)
        if all(c.search(text) for c in checks.values()):
            break
    missing = [name for name, c in checks.items() if not c.search(text)]
    os.write(fd, b"q")
    for _ in range(40):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.25)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
finally:
    zk.stop()
    zk.close()

if missing:
    print("zktop screen:\n" + text)
    print("FAILED: not shown: " + ", ".join(missing))
    sys.exit(1)
print(text)
print("ALL OK")
