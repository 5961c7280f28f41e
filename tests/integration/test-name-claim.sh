#!/bin/bash
# Two VMs whose .vmx display names give the same name ("web 01" and
# "web/01" are both web-01), converted at once (--parallel=2): the second
# to reach the destination is refused there, before any copy, with an
# error naming both VMs, and nothing of the first is touched.  A claim on
# a name held by a live process refuses a run; once that process is
# killed (SIGKILL), the next run removes the temporary files the claim
# lists, says so, and leaves every other file alone.
source "$(dirname "$0")/../functions.sh"
requires which nbdkit qemu-img nginx python3

start_nginx
dest=$T/out; mkdir -p "$dest" "$T/wd"
for vm in weba webb; do
    mkdir -p "$DATASTORE/$vm"
    truncate -s 64M "$DATASTORE/$vm/$vm-flat.vmdk"   # no OS: inspection fails
    put_vmx_on_datastore $vm 00:50:56:aa:bb:0${vm#web?}
done
sed -i 's|^displayName = .*|displayName = "web 01"|' "$DATASTORE/weba/weba.vmx"
sed -i 's|^displayName = .*|displayName = "web/01"|' "$DATASTORE/webb/webb.vmx"
head_ks () {
    cat <<KS
source --type=https --server=127.0.0.1:$NGINX_PORT --user=$USER \\
       --password-file=$PASSWORD_FILE --cacert=$CERT
destination --type=local --dir=$dest --format=qcow2
KS
}
{ head_ks; cat <<KS; } >"$T/batch.ks"
options --parallel=2
vm --vmx="[datastore1] weba/weba.vmx"
vm --vmx="[datastore1] webb/webb.vmx"
KS

log "two VMs named web-01, at once"
r=0; "$agent" run -k "$T/batch.ks" --workdir "$T/wd" --summary "$T/summary.json" >"$T/log" 2>&1 || r=$?
[ $r = 1 ] || { cat "$T/log"; fail "batch: exit $r"; }
python3 - "$T/summary.json" <<'PY' || { cat "$T/log" "$T/summary.json"; fail "summary"; }
import json, sys
s = json.load(open(sys.argv[1]))
vms = s["vms"]
refused = [v for v in vms if v["stage"] == "destination"]
assert len(refused) == 1, vms
e = refused[0]["error"]
assert e.startswith("the name web-01 is already being written in "), e
assert "if no conversion runs" not in e, e
assert "[datastore1] weba/weba.vmx" in e and "[datastore1] webb/webb.vmx" in e, e
other = [v for v in vms if v is not refused[0]][0]
assert other["stage"] not in ("source", "destination"), other
print("refused:", e)
PY
[ -z "$(ls -A "$dest")" ] || { ls -la "$dest"; fail "files left in the destination"; }

log "a claim held by a live process"
hold () {
    python3 - "$dest/.web-01.v2vboot-claim" "$T/held" <<'PY' &
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
boot = open("/proc/sys/kernel/random/boot_id").read().strip()
os.write(fd, ("v2vboot claim\nvm=[datastore1] old/old.vmx\npid=%d\nhost=h\n"
              "boot=%s\nsince=2026-12-01T00:00:00Z\npart=.web-01-sda.qcow2.part\n"
              "part=../escape.part\npart=web-01.xml.part\n" % (os.getpid(), boot)).encode())
open(sys.argv[2], "w").close()
time.sleep(600)
PY
    holder=$!
    for i in $(seq 100); do [ -e "$T/held" ] && break; sleep 0.1; done
}
hold
cleanup_fn "kill -9 $holder 2>/dev/null"
echo old >"$dest/.web-01-sda.qcow2.part"
echo other >"$dest/.web-01-sdb.qcow2.part"
echo outside >"$T/escape.part"
{ head_ks; echo 'vm --vmx="[datastore1] weba/weba.vmx"'; } >"$T/one.ks"
r=0; "$agent" run -k "$T/one.ks" --workdir "$T/wd" >"$T/log" 2>&1 || r=$?
[ $r = 1 ] && grep -qF "error: destination: the name web-01 is already being written in $dest by the conversion of [datastore1] old/old.vmx (pid $holder on h, since 2026-12-01T00:00:00Z); [datastore1] weba/weba.vmx would get the same name" "$T/log" ||
    { cat "$T/log"; fail "a held claim: exit $r"; }
[ "$(cat "$dest/.web-01-sda.qcow2.part")" = old ] || fail "a held claim's file was touched"

log "the holder killed: its temporary files are removed, and only those"
kill -9 $holder; wait $holder 2>/dev/null || :
r=0; "$agent" run -k "$T/one.ks" --workdir "$T/wd" >"$T/log" 2>&1 || r=$?
[ $r = 1 ] || { cat "$T/log"; fail "after the holder died: exit $r"; }
grep -qF "warning: removed $dest/.web-01-sda.qcow2.part, left by a conversion of [datastore1] old/old.vmx that did not finish (pid $holder on h)" "$T/log" ||
    { cat "$T/log"; fail "the stale file was not reported"; }
grep -q "error: destination:" "$T/log" && { cat "$T/log"; fail "refused after the holder died"; }
[ ! -e "$dest/.web-01-sda.qcow2.part" ] || fail "the stale file is still there"
[ "$(cat "$dest/.web-01-sdb.qcow2.part")" = other ] && [ -e "$T/escape.part" ] ||
    fail "a file the claim did not own (or outside the directory) was removed"
ls -A "$dest" >"$T/files"
echo .web-01-sdb.qcow2.part | cmp -s - "$T/files" || { cat "$T/files"; fail "files in the destination"; }
