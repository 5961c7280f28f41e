#!/usr/bin/env python3
"""Compare the wizard's screens captured by test-wizard.sh with the text
screenshots in docs/wizard.md (```screen NAME blocks), or rewrite those
blocks when V2VBOOT_UPDATE_EXPECTED is set (never in CI).  Every block must have a
capture, and each capture used by the doc must match.
"""
import os
import re
import sys

doc, shots = sys.argv[1], sys.argv[2]
text = open(doc).read()
pat = re.compile(r"```screen (\S+)\n(.*?)```", re.S)
names = pat.findall(text)
if not names:
    sys.exit("no ```screen blocks in " + doc)
bad = 0


def capture(name):
    path = os.path.join(shots, name + ".txt")
    if not os.path.exists(path):
        sys.exit("no capture of the %s screen" % name)
    return open(path).read().rstrip("\n") + "\n"


if os.environ.get("V2VBOOT_UPDATE_EXPECTED"):
    # Never in CI (CI=true): a rewritten golden file compares with nothing.
    ci = os.environ.get("CI", "")
    if ci not in ("", "false", "0"):
        sys.exit("V2VBOOT_UPDATE_EXPECTED is set in CI (CI=%s): %s is never rewritten in CI" % (ci, doc))
    text = pat.sub(lambda m: "```screen %s\n%s```" % (m.group(1), capture(m.group(1))), text)
    open(doc, "w").write(text)
    sys.exit(0)
for name, body in names:
    got = capture(name)
    if got != body:
        bad += 1
        sys.stderr.write("screen %s differs from %s:\n" % (name, doc))
        import difflib
        sys.stderr.writelines(difflib.unified_diff(body.splitlines(True), got.splitlines(True), "doc", "program"))
sys.exit(1 if bad else 0)
