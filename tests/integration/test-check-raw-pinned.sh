#!/bin/bash
# "check" runs every check and the conversion in the overlay but writes
# nothing; then "run" with a pinned certificate fingerprint (no CA file)
# converts to a sparse raw disk that boots on virtio-blk.
source "$(dirname "$0")/../functions.sh"
requires which nbdkit qemu-img qemu-system-x86_64 nginx

start_nginx
put_guest_on_datastore testvm
dest=$T/out; mkdir -p "$dest" "$T/wd"
write_ks "$T/ks" testvm "$dest" --thumbprint="$FINGERPRINT"
sed -i 's/--format=qcow2/--format=raw --allocation=sparse/' "$T/ks"

log "check"
"$agent" check --kickstart "$T/ks" --workdir "$T/wd" 2>"$T/check.log" ||
    { tail "$T/check.log"; fail "check failed"; }
grep -q "all checks passed: testvm-kvm would be written to $dest ([0-9]* MiB)" "$T/check.log" ||
    { tail "$T/check.log"; fail "check summary"; }
[ -z "$(ls -A "$dest")" ] || fail "check wrote to the destination: $(ls -A "$dest")"
grep -q '"GET /folder' "$NGINX_DIR/access.log" || fail "check read nothing from the source"

log "run"
"$agent" run --kickstart "$T/ks" --workdir "$T/wd" 2>"$T/run.log" ||
    { tail "$T/run.log"; fail "run failed"; }
disk=$dest/testvm-kvm-sda.img
[ -f "$disk" ] || fail "no raw disk"
qemu-img info --output=json "$disk" | grep -q '"format": "raw"' || fail "not raw"
size=$(stat -c %s "$disk"); used=$(( $(stat -c %b "$disk") * 512 ))
[ "$size" = 4294967296 ] || fail "virtual size $size"
[ "$used" -lt $((size / 3)) ] || fail "raw disk is not sparse: $used of $size bytes allocated"
grep -q "type='raw'" "$dest/testvm-kvm.xml" || fail "XML format"
grep -q 'MiB of unused inode tables, empty journal and resize reserve will be neither read nor copied' "$T/run.log" ||
    fail "the ext4 metadata pass found nothing"

log "the filesystem is consistent after the unused metadata was zeroed"
# debug sh sees the appliance's own device names, where the guest's disk
# is /dev/sdb as often as /dev/sda (the appliance's root, a whole disk
# without partitions, takes the other): its partition is the one sd?1.
guestfish --ro -a "$disk" run : debug sh \
    'd=$(ls /dev/sd?1 /dev/vd?1 2>/dev/null); echo "device=$d"; e2fsck -fn $d; echo e2fsck-exit=$?' \
    >"$T/fsck.log" 2>&1
grep -qx 'device=/dev/[sv]d[a-z]1' "$T/fsck.log" ||
    { cat "$T/fsck.log"; fail "not one partition in the appliance"; }
grep -q '^e2fsck-exit=0$' "$T/fsck.log" || { cat "$T/fsck.log"; fail "e2fsck found problems"; }

BOOT_MAC=$(grep -o "mac address='[^']*'" "$dest/testvm-kvm.xml" | cut -d"'" -f2)
boot_disk "$disk" raw "$T/boot.log" || { tail -30 "$T/boot.log"; fail "raw disk did not boot"; }
