#!/bin/bash
# A guest with / on its first disk and /var on its second (fstab says
# /dev/sdb1), found from its .vmx over SSH and streamed into a libvirt
# pool over qemu+ssh: both disks get overlays, are converted, trimmed and
# uploaded, the second disk's name is replaced by its UUID, the domain has
# both volumes and the source MAC, and the pool's volumes boot on
# virtio-blk with /var mounted.
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
"$agent" run -k "$T/ks" --workdir "$T/wd" 2>"$T/run.log" || { tail "$T/run.log"; fail "run failed"; }
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
