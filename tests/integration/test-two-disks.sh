#!/bin/bash
# A guest with / on its first disk and /var on its second (fstab says
# /dev/sdb1), found from its .vmx: both disks get overlays, are converted,
# trimmed and copied, the second disk's name is replaced by its UUID, and
# the guest boots on virtio-blk with /var mounted.
source "$(dirname "$0")/../functions.sh"
requires which nbdkit qemu-img qemu-system-x86_64 nginx

start_nginx
mkdir -p "$DATASTORE/db01"
"$top/tests/guest/build-guest.sh" --two "$DATASTORE/db01/db01-flat.vmdk" \
    "$DATASTORE/db01/db01_1-flat.vmdk" >&2
mac=00:50:56:aa:bb:02
put_vmx_on_datastore db01 "$mac"
# The second disk: scsi0:1 in the .vmx, with its own descriptor.
cat >>"$DATASTORE/db01/db01.vmx" <<VMX
scsi0:1.present = "TRUE"
scsi0:1.fileName = "db01_1.vmdk"
scsi0:1.deviceType = "scsi-hardDisk"
VMX
sed 's/db01-flat.vmdk/db01_1-flat.vmdk/; s/^RW [0-9]*/RW '$(( $(stat -c %s "$DATASTORE/db01/db01_1-flat.vmdk") / 512 ))'/' \
    "$DATASTORE/db01/db01.vmdk" >"$DATASTORE/db01/db01_1.vmdk"
dest=$T/out; mkdir -p "$dest" "$T/wd"
cat >"$T/ks" <<KS
source --type=https --server=127.0.0.1:$NGINX_PORT --user=$USER \\
       --password-file=$PASSWORD_FILE --cacert=$CERT
vm --vmx="[datastore1] db01/db01.vmx" --name=db01
destination --type=local --dir=$dest
KS
"$agent" run -k "$T/ks" --workdir "$T/wd" 2>"$T/run.log" || { tail "$T/run.log"; fail "run failed"; }
grep -q 'disk 1: \[datastore1\] db01/db01_1-flat.vmdk' "$T/run.log" || fail "second disk not found in the .vmx"
[ -f "$dest/db01-sda.qcow2" ] && [ -f "$dest/db01-sdb.qcow2" ] || fail "disks: $(ls "$dest")"
grep -q "<target dev='vdb' bus='virtio'/>" "$dest/db01.xml" || fail "second disk not in the XML"
guestfish --ro -a "$dest/db01-sda.qcow2" -a "$dest/db01-sdb.qcow2" -i cat /etc/fstab >"$T/fstab"
grep -Eq '^UUID=[0-9a-f-]+ /var ext4' "$T/fstab" || { cat "$T/fstab"; fail "/var not by UUID"; }

log "boots with both disks on virtio-blk"
: >"$T/boot.log"
qemu-system-x86_64 -accel "$V2VBOOT_ACCEL" -m 1024 -smp 2 -nodefaults -display none \
    -no-reboot -serial "file:$T/boot.log" -net none \
    -drive "file=$dest/db01-sda.qcow2,format=qcow2,if=virtio,snapshot=on" \
    -drive "file=$dest/db01-sdb.qcow2,format=qcow2,if=virtio,snapshot=on" &
qpid=$!
for i in $(seq 300); do grep -q V2VBOOT-DONE "$T/boot.log" && break; sleep 1; done
kill $qpid 2>/dev/null; wait $qpid 2>/dev/null || :
grep -q 'V2VBOOT-DONE' "$T/boot.log" || { tail -20 "$T/boot.log"; fail "did not boot"; }
grep -q 'V2VBOOT-MOUNTS: / /var' "$T/boot.log" || { grep V2VBOOT "$T/boot.log"; fail "/var is not mounted"; }
