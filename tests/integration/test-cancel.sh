#!/bin/bash
# SIGTERM in the middle of the copy: the agent stops its children, exits 1
# saying it was cancelled, and leaves no partial disk, no XML and no work
# files.  nginx is rate-limited so that the copy lasts long enough.
source "$(dirname "$0")/../functions.sh"
requires which nbdkit qemu-img nginx

NGINX_LIMIT_RATE=8m start_nginx
put_guest_on_datastore testvm
dest=$T/out; mkdir -p "$dest" "$T/wd"
write_ks "$T/ks" testvm "$dest" --cacert="$CERT"

"$agent" run --kickstart "$T/ks" --workdir "$T/wd" --machine-readable \
    >"$T/events.json" 2>"$T/agent.log" &
pid=$!
wait_for_copy "$T/events.json" $pid || :
ls -A "$dest" | grep -q '\.part$' || { tail "$T/agent.log"; fail "copy never started (test is blind)"; }
kill -TERM $pid
r=0; wait $pid || r=$?
[ $r = 1 ] || { tail "$T/agent.log"; fail "exit $r after SIGTERM, want 1"; }
grep -q 'error: cancel: the run was cancelled' "$T/agent.log" || { tail "$T/agent.log"; fail "no cancel message"; }
tail -2 "$T/events.json" | head -1 | grep -q '"event":"done","ok":false' || fail "the VM's last event is not done/false"
tail -1 "$T/events.json" | grep -q '"event":"summary".*"ok":false,"converted":0,"failed":1' || fail "last event is not the summary"
[ -z "$(ls -A "$dest")" ] || fail "destination not empty: $(ls -A "$dest")"
[ -z "$(ls -A "$T/wd")" ] || fail "work directory left: $(ls -A "$T/wd")"
pgrep -f "nbdkit.*$T/wd" >/dev/null && fail "nbdkit still running"
:
