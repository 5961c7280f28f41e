#!/bin/bash
# A guest with / on its first disk and /var on its second (fstab says
# /dev/sdb1), found from its .vmx over SSH and streamed into a libvirt
# pool over qemu+ssh: both disks get overlays, are converted, trimmed and
# uploaded, the second disk's name is replaced by its UUID, the domain has
# both volumes and the source MAC, and the pool's volumes boot on
# virtio-blk with /var mounted.  The two disks copy at the same time
# (their copy events overlap: copy_disks.c), and each volume holds
# exactly its overlay over the source file read directly (qemu-img
# compare: one reader, no nbdkit, no threads).
source "$(dirname "$0")/../functions.sh"
requires which sshd libvirtd virsh nbdkit qemu-nbd qemu-system-x86_64 nginx

start_nginx
mac=00:50:56:aa:bb:02
put_two_disk_guest_on_datastore db01 "$mac"
sums=$(sha256sum "$DATASTORE"/db01/*-flat.vmdk)
start_sshd
start_kvm_host two
pool=$POOL
mkdir -p "$T/wd"
cat >"$T/ks" <<KS
source --type=ssh --server=127.0.0.1:$SSH_PORT --user=$SSH_USER \\
       --identity=$SSH_KEY --known-hosts=$KNOWN_HOSTS
vm --vmx="[datastore1] db01/db01.vmx" --name=db01
destination --type=libvirt --uri=qemu+ssh://root@127.0.0.1:$ROOT_SSH_PORT/system \\
            --pool=$pool --identity=$ROOT_SSH_KEY --known-hosts=$ROOT_KNOWN_HOSTS
network --map="VM Network=default"
KS
V2VBOOT_KEEP_WORKDIR=1 "$agent" run -k "$T/ks" --workdir "$T/wd" --machine-readable \
    >"$T/events.json" 2>"$T/run.log" || { tail "$T/run.log"; fail "run failed"; }
cleanup_fn 'virsh -q undefine db01 >/dev/null 2>&1'
grep -q 'disk 1: \[datastore1\] db01/db01_1-flat.vmdk' "$T/run.log" || fail "second disk not found in the .vmx"
[ "$(sha256sum "$DATASTORE"/db01/*-flat.vmdk)" = "$sums" ] || fail "the source changed"
a=$(virsh vol-path db01-sda --pool "$pool") && b=$(virsh vol-path db01-sdb --pool "$pool") ||
    fail "volumes: $(virsh -q vol-list "$pool")"
virsh -q dumpxml db01 >"$T/dom.xml" || fail "domain not defined"
grep -q "$b" "$T/dom.xml" && grep -q "<target dev='vdb' bus='virtio'/>" "$T/dom.xml" ||
    fail "second volume not in the domain"
grep -q "<mac address='$mac'/>" "$T/dom.xml" || fail "source MAC"
grep -q "<source network='default'/>" "$T/dom.xml" || fail "network mapping"
# copy_span DISK: the lines of its first and its last copy event.
copy_span () {
    grep -n "\"event\":\"copy\",\"disk\":$1," "$T/events.json" | sed -n '1s/:.*//p; $s/:.*//p' | tr '\n' ' '
}
read -r a0 z0 <<<"$(copy_span 0)"; read -r a1 z1 <<<"$(copy_span 1)"
[ -n "$z0" ] && [ -n "$z1" ] || fail "no copy events for both disks"
sed -n "${z0}p; ${z1}p" "$T/events.json" | grep -vq '"done":\([0-9]*\),"total":\1,' &&
    fail "a disk's last copy event is not its end: $(sed -n "${z0}p; ${z1}p" "$T/events.json")"
[ "$a1" -lt "$z0" ] && [ "$a0" -lt "$z1" ] ||
    fail "the disks copied one after the other (copy events: disk 0 lines $a0-$z0, disk 1 lines $a1-$z1)"
grep -q '"stage":"copy","message":"2 disks, 2 at once' "$T/events.json" || fail "no word of the disks at once"
log "the disks copied at once: copy events of disk 0 on lines $a0-$z0, of disk 1 on $a1-$z1"
wd=$(ls -d "$T"/wd/v2vboot.*) && [ -f "$wd/disk0.qcow2" ] && [ -f "$wd/disk1.qcow2" ] ||
    fail "the work directory was not kept"
for i in 0 1; do
    src=$DATASTORE/db01/db01-flat.vmdk vol=$a
    [ $i = 1 ] && src=$DATASTORE/db01/db01_1-flat.vmdk vol=$b
    qemu-img rebase -u -f qcow2 -F raw -b "$src" "$wd/disk$i.qcow2"
    qemu-img compare -f qcow2 -F raw "$wd/disk$i.qcow2" "$vol" >"$T/compare$i" ||
        fail "disk $i: the volume is not its overlay: $(cat "$T/compare$i")"
done
rm -rf "$wd"
guestfish --ro --format=raw -a "$a" --format=raw -a "$b" -i cat /etc/fstab >"$T/fstab"
grep -Eq '^UUID=[0-9a-f-]+ /var ext4' "$T/fstab" || { cat "$T/fstab"; fail "/var not by UUID"; }

log "the pool's volumes boot on virtio-blk"
: >"$T/boot.log"
qemu-system-x86_64 -accel "$V2VBOOT_ACCEL" -m 1024 -smp 2 -nodefaults -display none \
    -no-reboot -serial "file:$T/boot.log" -net none \
    -drive "file=$a,format=raw,if=virtio,snapshot=on" \
    -drive "file=$b,format=raw,if=virtio,snapshot=on" &
qpid=$!
for i in $(seq 300); do grep -q V2VBOOT-DONE "$T/boot.log" && break; sleep 1; done
kill $qpid 2>/dev/null; wait $qpid 2>/dev/null || :
grep -q 'V2VBOOT-DONE' "$T/boot.log" || { tail -20 "$T/boot.log"; fail "did not boot"; }
grep -q 'V2VBOOT-MOUNTS: / /var' "$T/boot.log" || { grep V2VBOOT "$T/boot.log"; fail "/var is not mounted"; }
