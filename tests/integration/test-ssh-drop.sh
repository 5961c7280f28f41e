#!/bin/bash
# The SSH source's connection drops in the middle of the copy: the sshd
# processes serving the sessions are frozen (so the copy stands still
# part-way), then killed, while the listening sshd stays up.  nbdkit must
# log in again and the run complete, the guest's /usr identical to the
# source's: the v2vsftp plugin (plugin/pool.c) retries a read on a new
# session (nbdkit's retry-request filter once retried on the dead one and
# the copy failed).
source "$(dirname "$0")/../functions.sh"
requires which sshd nbdkit qemu-img debugfs

start_nginx
put_guest_on_datastore testvm
start_sshd
dest=$T/out; mkdir -p "$dest" "$T/wd"
cat >"$T/drop.ks" <<KS
source --type=ssh --server=127.0.0.1:$SSH_PORT --user=$SSH_USER --identity=$SSH_KEY --known-hosts=$KNOWN_HOSTS
disk --path="[datastore1] testvm/testvm-flat.vmdk"
vm --name=sshdrop --memory=1024 --vcpus=2
destination --type=local --dir=$dest --format=qcow2
KS

"$agent" run -k "$T/drop.ks" --workdir "$T/wd" --machine-readable >"$T/drop.json" 2>"$T/drop.log" &
pid=$!
wait_for_copy "$T/drop.json" $pid || { tail "$T/drop.log"; fail "the copy never started"; }
# Every process under the listening sshd: each session's monitor and the
# process that holds its socket (killing the monitor alone leaves the
# session served).
descendants () { local c; for c in $(ps -o pid= --ppid "$1"); do echo "$c"; descendants "$c"; done; }
sessions=$(descendants "$(cat "$T/ssh/sshd.pid")" | tr '\n' ' ')
[ -n "$sessions" ] || fail "no sshd session to cut (test is blind)"
kill -STOP $sessions
sleep 2
logins=$(grep -c 'Accepted publickey' "$T/ssh/sshd.log")
at=$(grep -o '"event":"copy","disk":0,"done":[0-9]*,"total":[0-9]*' "$T/drop.json" | tail -1)
echo "$at" | awk -F'[:,]' '{ exit !($6 < $8) }' || fail "the copy had ended before the cut (test is blind): $at"
log "cutting sshd sessions $sessions at $at"
kill -KILL $sessions
r=0; wait $pid || r=$?
if [ $r != 0 ]; then
    grep error: "$T/drop.log" >&2
    fail "the run did not survive a dropped SSH connection: exit $r; left: $(ls -A "$dest" "$T/wd" | tr '\n' ' ')"
fi
grep -q '"event":"done","ok":true' "$T/drop.json" || fail "not done"
[ "$(grep -c 'Accepted publickey' "$T/ssh/sshd.log")" -gt "$logins" ] ||
    fail "no new SSH login after the cut (test is blind)"
[ "$(ls "$dest" | tr '\n' ' ')" = "sshdrop-sda.qcow2 sshdrop.xml " ] || fail "outputs: $(ls "$dest")"
[ -z "$(ls -A "$T/wd")" ] || fail "work directory left: $(ls -A "$T/wd")"

log "the guest's /usr is the source's"
# / starts at sector 2048 (tests/guest/build-guest.sh).
qemu-img convert -f qcow2 -O raw "$dest/sshdrop-sda.qcow2" "$T/out.raw"
mkdir -p "$T/src-usr" "$T/out-usr"
debugfs -R "rdump /usr $T/src-usr" "$DATASTORE/testvm/testvm-flat.vmdk?offset=1048576" 2>"$T/debugfs.log"
debugfs -R "rdump /usr $T/out-usr" "$T/out.raw?offset=1048576" 2>>"$T/debugfs.log"
[ "$(find "$T/src-usr" -type f | wc -l)" -gt 1000 ] || { cat "$T/debugfs.log"; fail "few files in the source's /usr (test is blind)"; }
# The conversion removed VMware Tools' uninstaller; nothing else in /usr changes.
rm -f "$T/src-usr/usr/bin/vmware-uninstall-tools.pl"
diff -r --no-dereference "$T/src-usr" "$T/out-usr" >&2 || fail "files in /usr differ after the cut"
