#!/bin/bash
# Build the VMware-like Debian 12 test guest, or reuse the cached one.
#
# The guest looks like what VMware leaves behind: no virtio modules in its
# initramfs (MODULES=list with SCSI/IDE drivers only), /dev/sda1 in fstab and
# on the kernel command line (GRUB_DISABLE_LINUX_UUID=true), ifupdown config
# for ens192, a tarball-style VMware Tools with its uninstaller, a serial
# console, and a service that prints the boot marker on /dev/ttyS0.
#
# Usage: build-guest.sh OUTPUT.img
# The image is cached in $V2VBOOT_CACHE (default /var/cache/v2vboot), keyed
# by the SHA-256 of this script and the files beside it, and copied (reflink
# where possible) to OUTPUT.img.
set -euo pipefail

out=${1:?usage: build-guest.sh OUTPUT.img}
here=$(cd "$(dirname "$0")" && pwd)
cache=${V2VBOOT_CACHE:-/var/cache/v2vboot}
key=$(cat "$here/build-guest.sh" "$here"/files/* | sha256sum | cut -c1-16)
cached=$cache/guest-$key.img

export LIBGUESTFS_BACKEND=direct
export LIBGUESTFS_BACKEND_SETTINGS=${LIBGUESTFS_BACKEND_SETTINGS:-force_tcg}

if [ ! -s "$cached" ]; then
    mkdir -p "$cache"
    tmp=$(mktemp -d "$cache/build.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    echo "build-guest: debootstrap Debian 12 into $tmp/root (about 3 min)" >&2
    debootstrap --variant=minbase \
        --include=linux-image-amd64,grub-pc,initramfs-tools,systemd-sysv,udev,ifupdown,kmod,perl-base \
        bookworm "$tmp/root" >"$tmp/debootstrap.log" 2>&1 ||
        { tail -20 "$tmp/debootstrap.log" >&2; exit 1; }

    r=$tmp/root
    echo v2v-test-guest >"$r/etc/hostname"
    printf '/dev/sda1 / ext4 errors=remount-ro 0 1\n' >"$r/etc/fstab"
    install -m 0644 "$here/files/interfaces" "$r/etc/network/interfaces"
    install -m 0644 "$here/files/grub-default" "$r/etc/default/grub"
    install -m 0644 "$here/files/initramfs-modules" "$r/etc/initramfs-tools/modules"
    sed -i 's/^MODULES=.*/MODULES=list/' "$r/etc/initramfs-tools/initramfs.conf"
    install -m 0755 "$here/files/v2v-marker" "$r/usr/local/sbin/v2v-marker"
    install -m 0644 "$here/files/v2v-marker.service" "$r/etc/systemd/system/v2v-marker.service"
    ln -sf /etc/systemd/system/v2v-marker.service \
        "$r/etc/systemd/system/multi-user.target.wants/v2v-marker.service"
    # A tarball-style VMware Tools install, with its uninstaller.
    mkdir -p "$r/etc/vmware-tools"
    echo 'fake VMware Tools' >"$r/etc/vmware-tools/tools.conf"
    install -m 0755 "$here/files/vmware-uninstall-tools.pl" "$r/usr/bin/vmware-uninstall-tools.pl"
    echo 'root:v2vboot' | chroot "$r" chpasswd
    rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/*
    tar -C "$r" -cf "$tmp/root.tar" .

    echo "build-guest: partition, fill and make bootable (about 3 min)" >&2
    truncate -s 4G "$tmp/guest.img"
    guestfish --rw -a "$tmp/guest.img" <<GF
run
part-init /dev/sda mbr
part-add /dev/sda p 2048 -1
part-set-bootable /dev/sda 1 true
mkfs ext4 /dev/sda1
mount /dev/sda1 /
tar-in $tmp/root.tar /
command "update-initramfs -c -k all"
command "grub-install --target=i386-pc /dev/sda"
command "update-grub"
GF
    # The guest must really look like VMware left it.
    guestfish --ro -a "$tmp/guest.img" -i <<'GF' >"$tmp/check.txt"
cat /boot/grub/grub.cfg
GF
    grep -q 'root=/dev/sda1' "$tmp/check.txt" ||
        { echo "build-guest: grub.cfg has no root=/dev/sda1" >&2; exit 1; }
    mv "$tmp/guest.img" "$cached"
fi
cp --reflink=auto --sparse=always "$cached" "$out"
