#!/bin/bash
# The JSON events cannot drift from their documentation: every event and
# field the agent's printers can emit (agent/cli/print.c, batch.c's
# summary, list.c) is documented in docs/events.md and nothing documented
# is unknown; and the events of real runs (two VMs failing at the
# destination) have only fields documented under their own event, the
# error's kind among them.
source "$(dirname "$0")/../functions.sh"
requires python3 --version
doc=$top/docs/events.md
[ -f "$doc" ] || fail "no $doc"
grep -q '(events.md)' "$top/docs/v2vboot-agent.1.md" ||
    fail "docs/v2vboot-agent.1.md does not link to events.md"

# What the printers can emit, from their sources.
src="$top/agent/cli/print.c $top/agent/cli/batch.c $top/agent/cli/list.c"
grep -ho '\\"[a-z_]*\\":' $src | sed 's/[\\":]//g' | sort -u >"$T/fields"
{
    grep -ho '\[V2V_EVENT_[A-Z]*\] = "[a-z]*"' "$top/agent/cli/print.c" |
        sed 's/.*= "\(.*\)"/\1/'
    grep -ho '\\"event\\":\\"[a-z]*\\"' $src | sed 's/.*:\\"\(.*\)\\"/\1/'
    # list-destination's events are the found targets' kinds.
    grep -rho '\.kind = "[a-z]*"' "$top/agent" | sed 's/.*= "\(.*\)"/\1/'
} | sort -u >"$T/events"
[ "$(wc -l <"$T/fields")" -ge 20 ] && [ "$(wc -l <"$T/events")" -ge 9 ] ||
    fail "found too few fields or events in the sources (test is blind)"
grep -q '^kind$' "$T/fields" || fail "print.c emits no error kind"

sed -n 's/^ *- `\([a-z_]*\)`.*/\1/p' "$doc" | sort -u >"$T/doc-fields"
sed -n 's/^### `\([a-z]*\)`$/\1/p' "$doc" | sort -u >"$T/doc-events"
comm -23 "$T/fields" "$T/doc-fields" | sed 's/^/not documented: field /' >"$T/missing"
comm -13 "$T/fields" "$T/doc-fields" | sed 's/^/documented, never printed: field /' >>"$T/missing"
comm -23 "$T/events" "$T/doc-events" | sed 's/^/not documented: event /' >>"$T/missing"
comm -13 "$T/events" "$T/doc-events" | sed 's/^/documented, never printed: event /' >>"$T/missing"
[ ! -s "$T/missing" ] || { cat "$T/missing" >&2; fail "docs/events.md and the printers differ"; }

# Real events: two VMs (so every event names its VM) into a directory
# that does not exist: each fails at the destination, before the source
# is reached.
echo pw >"$T/pw"; chmod 600 "$T/pw"
cat >"$T/two.ks" <<KS
source --type=https --server=127.0.0.1:9 --user=root --password-file=$T/pw --insecure
destination --type=local --dir=$T/nonexistent
vm --name=one
disk --path="[datastore1] one/one-flat.vmdk"
vm --name=two
disk --path="[datastore1] two/two-flat.vmdk"
KS
r=0
"$agent" run -k "$T/two.ks" --machine-readable >"$T/events.json" 2>"$T/err" || r=$?
[ $r = 1 ] || { cat "$T/err" >&2; fail "run of two failing VMs: exit $r, want 1"; }
python3 - "$doc" "$T/events.json" <<'PY' || fail "events differ from docs/events.md"
import json, re, sys
doc, events = sys.argv[1], sys.argv[2]
fields, sub, ev = {}, set(), None
for line in open(doc):
    m = re.match(r"^### `([a-z]+)`$", line)
    if m:
        ev = m.group(1); fields[ev] = set(); continue
    m = re.match(r"^( *)- `([a-z_]+)`", line)
    if m and ev:
        (sub if m.group(1) else fields[ev]).add(m.group(2))
bad, seen = [], set()
for n, line in enumerate(open(events), 1):
    o = json.loads(line)
    e = o.get("event")
    seen.add(e)
    if e not in fields:
        bad.append(f"line {n}: event {e!r} not documented"); continue
    bad += [f"line {n}: {e}: field {k!r} not documented under it"
            for k in o if k not in fields[e]]
    for vm in o.get("vms", []):
        bad += [f"line {n}: {e}: vms field {k!r} not documented"
                for k in vm if k not in sub]
    if e == "error" and o.get("kind") != "other":
        bad.append(f"line {n}: error kind {o.get('kind')!r}, want 'other'")
    if e != "summary" and o.get("vm") not in ("one", "two"):
        bad.append(f"line {n}: {e} without its vm")
for want in ("stage", "error", "done", "summary"):
    if want not in seen:
        bad.append(f"no {want} event in the run (test is blind)")
print("\n".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)
PY
log "events: $(wc -l <"$T/events.json") checked; fields: $(wc -l <"$T/fields")"
