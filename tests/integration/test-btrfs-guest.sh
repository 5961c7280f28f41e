#!/bin/bash
# A Debian 11 BIOS guest with / and /home in btrfs subvolumes (@, @home),
# swap, everything named /dev/sdX, two kernels (standard and cloud), a
# static address on ens192 in netplan's form (tests/guest/
# build-guest-btrfs.sh).  Served from nginx as a .vmx-described VM,
# converted into a directory, then booted on virtio-blk under SeaBIOS
# (the domain's firmware): the converted disk boots its default kernel
# with root, filesystem, firmware, NIC name and address, and swap; every
# kernel's initramfs was rebuilt; the copy read and wrote only used
# blocks (source read / output data, output data / used), and inspection
# counted the filesystem once.  The unconverted disk must not boot on
# virtio-blk.  One conversion (3-4 min under TCG) and two boots.
source "$(dirname "$0")/../functions.sh"
requires which nbdkit qemu-img qemu-system-x86_64 nginx

vm=btrfsvm
mac=00:50:56:8a:3c:5e
start_nginx
mkdir -p "$DATASTORE/$vm"
cached_build "$top/tests/guest/build-guest-btrfs.sh" "$DATASTORE/$vm/$vm-flat.vmdk" >&2
put_vmx_on_datastore "$vm" "$mac" debian11-64
convert_guest_vm "$vm"
# Only used blocks: btrfs trimmed once through its device, swap recreated.
check_trimmed "$T/run.log" /dev/sda1
check_only_used "$T/run.log" 1.02 1.06 "$CONVERTED_DISK"
# What inspection said is used counts the filesystem once, not once per
# subvolume mounted (/ and /home): the destination's space check uses it.
inspected=$(sed -n 's/.*guest firmware [A-Z]*, \([0-9]*\) MiB used in its filesystems.*/\1/p' "$T/run.log")
trimmed=$(sed -n 's/.* filesystems trimmed, \([0-9]*\) MiB used in them.*/\1/p' "$T/run.log" | tail -1)
[ -n "$inspected" ] && [ -n "$trimmed" ] || fail "no used space said by inspection or trim"
[ $(( inspected * 4 )) -le $(( trimmed * 5 )) ] ||
    fail "inspection counted $inspected MiB used, the one filesystem holds $trimmed MiB"
kernels=$(grep -o 'rebuilding the initramfs of [^ ]*' "$T/run.log" | awk '{print $NF}' | sort -u)
[ "$(wc -l <<<"$kernels")" = 2 ] || { cat "$T/run.log"; fail "not both kernels' initramfs rebuilt: $kernels"; }
grep -q -- '-cloud-amd64' <<<"$kernels" || fail "the cloud kernel's initramfs was not rebuilt: $kernels"
grep -q '/etc/fstab: 3 disk names replaced' "$T/run.log" ||
    { cat "$T/run.log"; fail "fstab: /, /home and swap not all replaced"; }
! grep -q 'still names' "$T/run.log" || { cat "$T/run.log"; fail "an old disk name is left"; }
xml=$CONVERTED_XML disk=$CONVERTED_DISK
! grep -q "firmware='efi'" "$xml" || fail "a BIOS guest got a UEFI domain"
grep -q "<mac address='$mac'/>" "$xml" || fail "source MAC not kept"

log "the unconverted disk on virtio-blk"
! boot_disk "$DATASTORE/$vm/$vm-flat.vmdk" raw "$T/boot-old.log" 240 ||
    fail "the unconverted disk booted on virtio-blk: the test proves nothing"

log "the converted disk"
start=$SECONDS
BOOT_MAC=$mac boot_disk "$disk" qcow2 "$T/boot.log" 400 ||
    { tail -c 3000 "$T/boot.log"; fail "the converted disk did not boot"; }
log "converted: booted in $(( SECONDS - start )) s"
grep 'V2VBOOT-' "$T/boot.log" >&2
grep -q "V2VBOOT-ROOT: /dev/vda1\[/@\]" "$T/boot.log" || fail "root not /dev/vda1, subvolume @"
grep -q "V2VBOOT-ROOTFS: btrfs" "$T/boot.log" || fail "root not btrfs"
grep -q "V2VBOOT-FIRMWARE: bios" "$T/boot.log" || fail "not booted by BIOS"
grep -q "V2VBOOT-NIC: ens192 $mac 192.168.122.51/24" "$T/boot.log" ||
    fail "ens192 lost its MAC or its static address"
grep -q "V2VBOOT-SWAP: /dev/vda2" "$T/boot.log" || fail "swap not on /dev/vda2"
grep -q "V2VBOOT-MOUNTS: .*/home" "$T/boot.log" || fail "/home (subvolume @home) not mounted"
