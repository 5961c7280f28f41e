#!/usr/bin/env python3
"""Talk to a qemu serial port on a UNIX socket: wait for a text, send
lines, collect the output.

  serial.py SOCKET LOG TIMEOUT EXPECT [SEND EXPECT]...

Appends everything read to LOG.  Exits 0 when every EXPECT (a regular
expression, matched on the output so far) was seen in order, 1 on
timeout.
"""
import re
import socket
import sys
import time

sock, logf, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
steps = sys.argv[4:]
s = None
deadline = time.time() + timeout
while s is None:
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(sock)
    except OSError:
        s = None
        if time.time() > deadline:
            sys.exit("serial.py: cannot connect to " + sock)
        time.sleep(0.2)
s.settimeout(1)
seen = ""
log = open(logf, "a")
for i, step in enumerate(steps):
    if i % 2 == 1:                      # a line to send
        s.sendall(step.encode() + b"\n")
        seen = ""
        continue
    while not re.search(step, seen, re.S):
        if time.time() > deadline:
            sys.stderr.write("serial.py: timed out waiting for %r\n" % step)
            sys.exit(1)
        try:
            data = s.recv(65536)
        except socket.timeout:
            continue
        if not data:
            sys.exit("serial.py: the VM closed the serial port")
        text = data.decode("utf-8", "replace")
        log.write(text)
        log.flush()
        seen += text
sys.exit(0)
