#!/bin/bash
# Unattended batch: a kickstart fetched over https (certificate pinned by
# v2v.ks.thumbprint on a kernel command line) converts two VMs at once
# (the test guest under two names) and fails a third whose disk is
# missing, without stopping the others.  %pre, %post and %onerror run
# with the documented environment; the log file and the JSON summary say
# what happened; both converted VMs boot (one on virtio-blk, one on
# virtio-scsi, as options --block-driver asked).  Before: an untrusted
# kickstart server, and a %pre that fails.
source "$(dirname "$0")/../functions.sh"
requires which nbdkit qemu-img qemu-system-x86_64 nginx

start_nginx
put_guest_on_datastore testvm
dest=$T/out; mkdir -p "$dest" "$T/wd" "$DATASTORE/ks"
cat >"$DATASTORE/ks/batch.ks" <<KS
source --type=https --server=127.0.0.1:$NGINX_PORT --user=$USER \\
       --password-file=$PASSWORD_FILE --cacert=$CERT
destination --type=local --dir=$dest --format=qcow2
options --parallel=2 --block-driver=virtio-scsi --keep-vmware-tools --no-fstrim
log --file=$T/batch.log
vm --name=web-a --memory=1024
disk --path="[datastore1] testvm/testvm-flat.vmdk"
vm --name=web-b --memory=1024
disk --path="[datastore1] testvm/testvm-flat.vmdk"
vm --name=gone
disk --path="[datastore1] gone/gone-flat.vmdk"
%pre
env | grep '^V2V_' | sort >$T/pre.env
printf '%s\n' "\$V2V_VMS" >$T/vms.txt
%end
%post
echo "\$V2V_VM_INDEX \$V2V_VM_NAME \$V2V_STATUS \$V2V_OUTPUT" >>$T/post.txt
%end
%onerror
echo "\$V2V_VM_INDEX \$V2V_VM_NAME \$V2V_STATUS \$V2V_STAGE \$V2V_ERROR" >>$T/onerror.txt
%end
KS
url="https://127.0.0.1:$NGINX_PORT/open/ks/batch.ks"

log "a kickstart server that is not trusted"
r=0; "$agent" check -k "$url" --workdir "$T/wd" 2>"$T/err" || r=$?
[ $r = 2 ] && grep -qF "certificate not trusted (SHA-256 fingerprint $FINGERPRINT): pin it with --thumbprint=$FINGERPRINT" "$T/err" ||
    { cat "$T/err"; fail "untrusted kickstart server: exit $r"; }
[ -z "$(ls -A "$dest")" ] || fail "something was written"
log "a pinned kickstart server whose certificate is not the pinned one"
r=0; "$agent" check -k "$url" --thumbprint="$WRONG_FINGERPRINT" --workdir "$T/wd" 2>"$T/err" || r=$?
[ $r = 2 ] && grep -qF "kickstart $url: 127.0.0.1:$NGINX_PORT: certificate fingerprint $FINGERPRINT does not match the pinned --thumbprint" "$T/err" &&
    ! grep -q retrying "$T/err" || { cat "$T/err"; fail "pin mismatch for the kickstart: exit $r"; }

log "a %pre that fails: nothing converted, %onerror runs"
sed 's|^env .*|echo preparing; exit 3|' "$DATASTORE/ks/batch.ks" >"$T/prefail.ks"
r=0; "$agent" run -k "$T/prefail.ks" --workdir "$T/wd" --summary "$T/prefail.json" 2>"$T/err" || r=$?
[ $r = 1 ] && grep -q '%pre: preparing' "$T/err" && grep -q '%pre: failed (exit status 3)' "$T/err" ||
    { cat "$T/err"; fail "failing %pre: exit $r"; }
grep -qx '  failed pre %pre failed' "$T/onerror.txt" || { cat "$T/onerror.txt"; fail "%onerror after %pre"; }
python3 - "$T/prefail.json" <<'PY' || fail "summary after a failing %pre"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["converted"] == 0 and s["failed"] == 3, s
assert all(v["status"] == "not started" and v["stage"] == "pre" for v in s["vms"]), s
PY
[ -z "$(ls -A "$dest")" ] || fail "something was written after %pre failed"
rm -f "$T/onerror.txt"

log "the batch from the kernel command line, two at once"
echo "BOOT_IMAGE=/vmlinuz ro console=ttyS0 v2v.ks=$url v2v.ks.thumbprint=$FINGERPRINT v2v.ks.retry=2" >"$T/cmdline"
start=$SECONDS
r=0; "$agent" run --cmdline="$T/cmdline" --workdir "$T/wd" --summary "$T/summary.json" \
    >"$T/out.txt" 2>&1 || r=$?
log "batch: exit $r in $((SECONDS - start)) s"
[ $r = 1 ] || { tail -30 "$T/out.txt"; fail "batch with a failure: exit $r, want 1"; }
grep -q 'v2vboot: summary: 2 of 3 VMs converted' "$T/out.txt" || { tail -20 "$T/out.txt"; fail "text summary"; }
grep -qE 'FAILED +gone: source: .*no such file on datastore' "$T/out.txt" || fail "text summary: gone's error"
python3 - "$T/summary.json" "$dest" <<'PY' || { cat "$T/summary.json"; fail "JSON summary"; }
import json, sys
s = json.load(open(sys.argv[1]))
assert s["event"] == "summary" and s["mode"] == "run" and not s["ok"], s
assert s["converted"] == 2 and s["failed"] == 1, s
v = {x["name"]: x for x in s["vms"]}
for n in ("web-a", "web-b"):
    assert v[n]["status"] == "converted" and v[n]["output"] == sys.argv[2], v[n]
assert v["gone"]["status"] == "failed" and v["gone"]["stage"] == "source", v["gone"]
assert "no such file on datastore" in v["gone"]["error"], v["gone"]
PY
# Both were converted at the same time: their runs overlap in the log.
grep -q '\[web-a\]: == convert' "$T/batch.log" && grep -q '\[web-b\]: == convert' "$T/batch.log" ||
    fail "log file lacks the VMs' stages"
a_end=$(grep -n '\[web-a\]: converted web-a' "$T/batch.log" | cut -d: -f1)
b_start=$(grep -n '\[web-b\]: == source' "$T/batch.log" | head -1 | cut -d: -f1)
[ -n "$a_end" ] && [ -n "$b_start" ] && [ "$b_start" -lt "$a_end" ] || fail "web-b did not start before web-a ended"
grep -q 'summary: 2 of 3 VMs converted' "$T/batch.log" || fail "summary not in the log file"
grep -qF -- "$(cat "$PASSWORD_FILE")" "$T/batch.log" "$T/out.txt" "$T/pre.env" && fail "password in the log"

# The sections' environment.
grep -qx "V2V_KICKSTART=$T/cmdline" "$T/pre.env" && grep -qx 'V2V_MODE=run' "$T/pre.env" &&
    grep -qx "V2V_DEST_DIR=$dest" "$T/pre.env" && grep -qx 'V2V_DEST_TYPE=local' "$T/pre.env" &&
    printf 'web-a\nweb-b\ngone\n' | cmp -s - "$T/vms.txt" || { cat "$T/pre.env"; fail "%pre environment"; }
sort "$T/post.txt" >"$T/post.sorted"
printf '1 web-a converted %s\n2 web-b converted %s\n' "$dest" "$dest" | cmp - "$T/post.sorted" ||
    { cat "$T/post.txt"; fail "%post environment"; }
grep -q '^3 gone failed source .*no such file on datastore' "$T/onerror.txt" ||
    { cat "$T/onerror.txt"; fail "%onerror environment"; }

# The options: virtio-scsi disks, VMware Tools kept, no fstrim.
grep -q "<controller type='scsi' index='0' model='virtio-scsi'/>" "$dest/web-a.xml" &&
    grep -q "<target dev='sda' bus='scsi'/>" "$dest/web-a.xml" || fail "--block-driver=virtio-scsi not in the XML"
grep -q '\[web-a\]: convert: VMware Tools left installed' "$T/batch.log" || fail "--keep-vmware-tools not applied"
grep -q '\[web-b\]: fstrim: no fstrim (options --no-fstrim)' "$T/batch.log" || fail "--no-fstrim not applied"
guestfish --ro -a "$dest/web-b-sda.qcow2" -i exists /usr/bin/vmware-uninstall-tools.pl >"$T/tools" 2>&1
[ "$(cat "$T/tools")" = true ] || fail "VMware Tools were removed despite --keep-vmware-tools"

ls "$dest" >"$T/files"
printf '%s\n' web-a-sda.qcow2 web-a.xml web-b-sda.qcow2 web-b.xml | cmp - "$T/files" ||
    { cat "$T/files"; fail "unexpected files in the destination"; }
boot_disk "$dest/web-a-sda.qcow2" qcow2 "$T/boot-web-a.log" || { tail -20 "$T/boot-web-a.log"; fail "web-a does not boot"; }
log "web-a boots on virtio-blk"
BOOT_BUS=scsi boot_disk "$dest/web-b-sda.qcow2" qcow2 "$T/boot-web-b.log" ||
    { tail -20 "$T/boot-web-b.log"; fail "web-b does not boot on virtio-scsi"; }
log "web-b boots on virtio-scsi"
