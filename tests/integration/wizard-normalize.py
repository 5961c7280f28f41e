#!/usr/bin/env python3
"""Normalize a wizard screen capture for docs/wizard.md.

Arguments are FROM=TO replacements (what depends on the test run, e.g.
the nginx port, the temporary directory, the certificate's fingerprint,
mapped to the documentation's example values).  Inside [...] fields the
width is kept, so the screen keeps its layout.  Lines of the NIC table
(machine-specific) become one example NIC; the time taken becomes an
example figure.  Reads stdin, writes stdout.
"""
import re
import sys

subs = [a.split("=", 1) for a in sys.argv[1:]]
out = []
for line in sys.stdin.read().rstrip("\n").split("\n"):
    if re.match(r"^  [a-z0-9]+ +([0-9a-f]{2}:){5}[0-9a-f]{2} ", line):
        continue
    if line.startswith("  NIC          MAC"):
        out.append(line)
        out.append("  eth0         52:54:00:12:34:56  up     192.168.122.50")
        continue

    def field(m):
        inner = m.group(1)
        for a, b in subs:
            inner = inner.replace(a, b)
        return "[" + inner.rstrip().ljust(len(m.group(1)))[:len(m.group(1))] + "]"

    line = re.sub(r"\[([^\]]{20,})\]", field, line)
    for a, b in subs:
        line = line.replace(a, b)
    line = re.sub(r"^    Took: +\d+ s$", "    Took:    93 s", line)
    out.append(line.rstrip())
# A screen is 25 lines: the NIC table may have had another length.
while len(out) > 25 and "" in out[3:-3]:
    del out[max(i for i, l in enumerate(out[:-3]) if l == "")]
while len(out) < 25:
    out.insert(len(out) - 2, "")
print("\n".join(out))
