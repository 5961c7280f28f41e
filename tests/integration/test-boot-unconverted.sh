#!/bin/bash
# The negative control: the unconverted guest, booted exactly as the
# converted one is, must not boot on virtio-blk.  If it did, the boot test
# of the conversion would prove nothing.
source "$(dirname "$0")/../functions.sh"
requires which qemu-system-x86_64

img=$(guest_image)
if boot_disk "$img" raw "$T/boot.log" 300; then
    fail "the unconverted guest booted on virtio-blk: the boot test is blind"
fi
grep -q 'ALERT!  /dev/sda1 does not exist' "$T/boot.log" ||
    { tail -20 "$T/boot.log"; fail "expected the initramfs to miss /dev/sda1"; }
