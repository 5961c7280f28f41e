#!/bin/bash
# Deaths short of SIGKILL clean up, and what a SIGKILL left is removed
# later (issue 12, defect 4; and defects 12 and 14 on the way):
#  - `run --machine-readable | head -n2`: no exit 141, no work directory,
#    no password copy left;
#  - SIGTERM mid-run: cancelled, cleaned;
#  - a run killed with SIGKILL (its whole process group): the next run
#    removes its work directory and says so;
#  - a batch child killed with SIGKILL: the batch's process removes its
#    work directory and says so;
#  - the batch's process killed with SIGKILL (as a wizard that dies):
#    its child cancels and cleans up;
#  - V2VBOOT_KEEP_WORKDIR=1 keeps the work directory but not the password;
#  - with --machine-readable, human messages (warnings too) stay on stderr.
# The disk is an empty 64 MiB file: every case ends before the appliance.
source "$(dirname "$0")/../functions.sh"
requires which nbdkit nginx setsid pgrep

start_nginx
mkdir -p "$DATASTORE/tiny"
truncate -s 64M "$DATASTORE/tiny/tiny-flat.vmdk"
dest=$T/out wd=$T/wd
mkdir -p "$dest" "$wd"
write_ks "$T/ks" tiny "$dest" --cacert="$CERT"
write_ks "$T/wrong-pw.ks" tiny "$dest" --cacert="$CERT"
sed -i "s|--password-file=[^ ]*|--password-file=$WRONG_PASSWORD_FILE|" "$T/wrong-pw.ks"

# wait_for FILE-GLOB PID: until a file matching appears (30 s).
wait_for () {
    local i
    for i in $(seq 300); do
        compgen -G "$1" >/dev/null && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
# nothing_left WHAT: the work directory and the destination are empty,
# and no nbdkit of ours runs 10 s later (one whose parent was killed gets
# SIGTERM from the kernel, then shuts down).
nothing_left () {
    local i
    [ -z "$(ls -A "$wd")" ] || fail "$1: work directory left: $(find "$wd")"
    [ -z "$(ls -A "$dest")" ] || fail "$1: destination not empty: $(ls -A "$dest")"
    for i in $(seq 100); do pgrep -f "nbdkit.*$wd" >/dev/null || return 0; sleep 0.1; done
    fail "$1: nbdkit still running"
}

log "the reader of the events goes away"
set +e
"$agent" run -k "$T/ks" --workdir "$wd" --machine-readable 2>"$T/head.log" |
    head -n2 >"$T/head.out"
st=("${PIPESTATUS[@]}")
set -e
[ "${st[0]}" = 1 ] || { cat "$T/head.log"; fail "| head -n2: agent exit ${st[0]}, want 1 (141: killed by SIGPIPE)"; }
[ "$(wc -l <"$T/head.out")" = 2 ] || fail "| head -n2: $(cat "$T/head.out")"
grep -q 'error: cancel: the run was cancelled' "$T/head.log" ||
    { cat "$T/head.log"; fail "| head -n2: no cancel message"; }
nothing_left "| head -n2"

# Without --machine-readable the progress is on stderr: the same there.
set +e
"$agent" run -k "$T/ks" --workdir "$wd" 2>&1 | head -n2 >"$T/head2.out"
st=("${PIPESTATUS[@]}")
set -e
[ "${st[0]}" = 1 ] || fail "2>&1 | head -n2: agent exit ${st[0]}, want 1"
nothing_left "2>&1 | head -n2"

log "SIGTERM mid-run"
: >"$T/term.json"
"$agent" run -k "$T/ks" --workdir "$wd" --machine-readable >"$T/term.json" 2>"$T/term.log" &
pid=$!
for i in $(seq 300); do
    grep -q '"stage":"overlay"' "$T/term.json" && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.1
done
compgen -G "$wd/v2vboot.*/password" >/dev/null || { cat "$T/term.log"; fail "SIGTERM: no password copy at the overlay stage (test is blind)"; }
kill -TERM $pid
r=0; wait $pid || r=$?
[ $r = 1 ] || { cat "$T/term.log"; fail "SIGTERM: exit $r, want 1"; }
grep -q 'error: cancel: the run was cancelled' "$T/term.log" || { cat "$T/term.log"; fail "SIGTERM: no cancel message"; }
nothing_left "SIGTERM"

log "a run killed with SIGKILL, then the next run"
setsid "$agent" run -k "$T/ks" --workdir "$wd" >"$T/kill.log" 2>&1 &
pid=$!
wait_for "$wd/v2vboot.*/password" $pid || { cat "$T/kill.log"; fail "SIGKILL: no password copy (test is blind)"; }
kill -KILL -- -$pid
wait $pid 2>/dev/null || :
for i in $(seq 50); do pgrep -g $pid >/dev/null || break; sleep 0.1; done
stale=$(ls -d "$wd"/v2vboot.*)
[ -e "$stale/password" ] || fail "SIGKILL: nothing left to find (test is blind): $(find "$wd")"
r=0; "$agent" run -k "$T/wrong-pw.ks" --workdir "$wd" >"$T/next.log" 2>&1 || r=$?
[ $r = 1 ] || { cat "$T/next.log"; fail "after SIGKILL: exit $r, want 1 (wrong password)"; }
grep -qF "warning: removed $stale, the work directory of an earlier run (pid " "$T/next.log" ||
    { cat "$T/next.log"; fail "after SIGKILL: the next run did not say it removed $stale"; }
grep -qF "warning: removed $dest/.tiny-kvm.v2vboot-claim, the claim of a conversion that did not finish" "$T/next.log" ||
    { cat "$T/next.log"; fail "after SIGKILL: the next run did not remove the claim it left"; }
nothing_left "after SIGKILL"

log "a batch child killed with SIGKILL"
"$agent" run -k "$T/ks" --workdir "$wd" >"$T/child.log" 2>&1 &
pid=$!
wait_for "$wd/v2vboot.*/password" $pid || { cat "$T/child.log"; fail "child: no password copy (test is blind)"; }
child=$(pgrep -P $pid -x v2vboot-agent)
kill -KILL "$child"
r=0; wait $pid || r=$?
[ $r = 1 ] || { cat "$T/child.log"; fail "child killed: exit $r, want 1"; }
grep -qE "v2vboot: tiny-kvm: its process \(pid $child\) died by signal 9: removed its work directory $wd/v2vboot\." "$T/child.log" ||
    { cat "$T/child.log"; fail "child killed: the batch did not remove its work directory"; }
grep -qF "v2vboot: tiny-kvm: removed $dest/.tiny-kvm.v2vboot-claim, the claim of a conversion that did not finish" "$T/child.log" ||
    { cat "$T/child.log"; fail "child killed: the batch did not remove its claim on the name"; }
nothing_left "child killed"

log "the batch's process killed with SIGKILL: its child notices and cancels"
"$agent" run -k "$T/ks" --workdir "$wd" --machine-readable >"$T/orphan.json" 2>"$T/orphan.log" &
pid=$!
wait_for "$wd/v2vboot.*/password" $pid || { cat "$T/orphan.log"; fail "orphan: no password copy (test is blind)"; }
child=$(pgrep -P $pid -x v2vboot-agent)
kill -KILL $pid
wait $pid 2>/dev/null || :
for i in $(seq 100); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$child" 2>/dev/null || { cat "$T/orphan.log"; fail "orphan: the child runs on 10 s after its parent died"; }
grep -q 'error: cancel: the run was cancelled' "$T/orphan.log" || { cat "$T/orphan.log"; fail "orphan: no cancel message"; }
nothing_left "orphan"

log "V2VBOOT_KEEP_WORKDIR=1; --machine-readable keeps human messages on stderr"
install -m 644 "$WRONG_PASSWORD_FILE" "$T/readable-pw"
sed "s|--password-file=[^ ]*|--password-file=$T/readable-pw|" "$T/wrong-pw.ks" >"$T/keep.ks"
r=0; V2VBOOT_KEEP_WORKDIR=1 "$agent" run -k "$T/keep.ks" --workdir "$wd" --machine-readable \
    >"$T/keep.json" 2>"$T/keep.log" || r=$?
[ $r = 1 ] || { cat "$T/keep.log"; fail "keep: exit $r, want 1 (wrong password)"; }
kept=$(ls -d "$wd"/v2vboot.*)
[ ! -e "$kept/password" ] || fail "keep: the password copy was kept in $kept"
[ ! -e "$kept/lock" ] || fail "keep: the kept directory still has its lock"
grep -qF "kept the work directory $kept (V2VBOOT_KEEP_WORKDIR); the password copy in it was removed" "$T/keep.log" ||
    { cat "$T/keep.log"; fail "keep: no message about the kept directory"; }
grep -q '^v2vboot: == source$' "$T/keep.log" || { cat "$T/keep.log"; fail "--machine-readable: no stage line on stderr"; }
grep -q "^v2vboot: warning: password file $T/readable-pw can be read by other users" "$T/keep.log" ||
    { cat "$T/keep.log"; fail "--machine-readable: no warning on stderr"; }
grep -q '"event":"warning".*can be read by other users' "$T/keep.json" || fail "--machine-readable: no warning event"
! grep -q '^v2vboot' "$T/keep.json" || fail "--machine-readable: human lines on stdout"
grep -qF "$(cat "$WRONG_PASSWORD_FILE")" "$T/keep.log" "$T/keep.json" && fail "keep: the password in a message"
# A kept directory has no lock: the next run leaves it alone.
r=0; "$agent" run -k "$T/wrong-pw.ks" --workdir "$wd" >"$T/after-keep.log" 2>&1 || r=$?
[ -d "$kept" ] || fail "a later run removed the kept $kept"
rm -rf "$kept"
nothing_left "keep"
:
