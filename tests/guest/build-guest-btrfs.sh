#!/bin/bash
# Build the btrfs test guest (Debian 11 bullseye, BIOS), or reuse the
# cached one.
#
# One guest for the shapes the Debian 12 and 13 guests do not have: an
# older release (grub 2.04, initramfs-tools 0.140, systemd 247, kernel
# 5.10), / and /home in btrfs subvolumes @ and @home (as Ubuntu and
# openSUSE lay them out; /boot is in @, so grub reads the kernels from
# btrfs) and a swap partition (also the resume device), all named by
# /dev/sdX in fstab and on the kernel command line; two kernels installed (the standard and the cloud
# flavour, each with its own initramfs without virtio modules); and a
# static address on ens192 in netplan's form, rendered by
# systemd-networkd.  A service prints the marker (btrfs-files/v2v-marker)
# on /dev/ttyS0.
#
# Usage: build-guest-btrfs.sh OUTPUT.img
# Cached in $V2VBOOT_CACHE (default /var/cache/v2vboot), keyed by the
# SHA-256 of this script and the files in btrfs-files/, and copied
# (reflink where possible, sparse) to the output.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${V2VBOOT_CACHE:-/var/cache/v2vboot}
f=$here/btrfs-files
key=$(cat "$here/build-guest-btrfs.sh" "$f"/* | sha256sum | cut -c1-16)

export LIBGUESTFS_BACKEND=direct
export LIBGUESTFS_BACKEND_SETTINGS=${LIBGUESTFS_BACKEND_SETTINGS-force_tcg}

# The root filesystem, from Debian 11's packages.
root_tar () {
    local tar=$cache/btrfs-root-$key.tar tmp r
    [ -s "$tar" ] && return
    mkdir -p "$cache"
    tmp=$(mktemp -d "$cache/build.XXXXXX")
    echo "build-guest-btrfs: debootstrap Debian 11 (about 4 min)" >&2
    debootstrap --variant=minbase \
        --include=linux-image-amd64,linux-image-cloud-amd64,grub-pc,initramfs-tools,systemd-sysv,udev,kmod,btrfs-progs,netplan.io,iproute2 \
        bullseye "$tmp/root" >"$tmp/debootstrap.log" 2>&1 ||
        { tail -20 "$tmp/debootstrap.log" >&2; rm -rf "$tmp"; exit 1; }
    r=$tmp/root
    echo v2v-btrfs-guest >"$r/etc/hostname"
    install -m 0644 "$f/netplan.yaml" "$r/etc/netplan/01-ens192.yaml"
    install -m 0644 "$f/grub-default" "$r/etc/default/grub"
    install -m 0644 "$f/initramfs-modules" "$r/etc/initramfs-tools/modules"
    install -m 0644 "$f/resume" "$r/etc/initramfs-tools/conf.d/resume"
    install -m 0644 "$f/fstab" "$r/etc/fstab"
    sed -i 's/^MODULES=.*/MODULES=list/' "$r/etc/initramfs-tools/initramfs.conf"
    install -m 0755 "$f/v2v-marker" "$r/usr/local/sbin/v2v-marker"
    install -m 0644 "$f/v2v-marker.service" "$r/etc/systemd/system/v2v-marker.service"
    ln -sf /etc/systemd/system/v2v-marker.service \
        "$r/etc/systemd/system/multi-user.target.wants/v2v-marker.service"
    ln -sf /lib/systemd/system/systemd-networkd.service \
        "$r/etc/systemd/system/multi-user.target.wants/systemd-networkd.service"
    echo 'root:v2vboot' | chroot "$r" chpasswd
    rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/*
    tar -C "$r" -cf "$tmp/root.tar" .
    mv "$tmp/root.tar" "$tar"
    rm -rf "$tmp"
}

# Partition, make the subvolumes, fill and make bootable.
build_image () {
    local tar=$cache/btrfs-root-$key.tar tmp
    root_tar
    tmp=$(mktemp -d "$cache/build.XXXXXX")
    trap 'rm -rf "$tmp"' RETURN
    echo "build-guest-btrfs: partition, fill and make bootable (about 3 min)" >&2
    truncate -s 4G "$tmp/a.img"
    guestfish --rw -a "$tmp/a.img" <<GF
run
part-init /dev/sda mbr
part-add /dev/sda p 2048 7862271
part-add /dev/sda p 7862272 -1
part-set-bootable /dev/sda 1 true
part-set-mbr-id /dev/sda 2 0x82
mkfs btrfs /dev/sda1
mkswap /dev/sda2
mount /dev/sda1 /
btrfs-subvolume-create /@
btrfs-subvolume-create /@home
umount /
mount-options subvol=@ /dev/sda1 /
mkdir /home
mount-options subvol=@home /dev/sda1 /home
tar-in $tar /
command "update-initramfs -c -k all"
command "grub-install --target=i386-pc /dev/sda"
command "update-grub"
GF
    guestfish --ro -a "$tmp/a.img" run : mount-options subvol=@ /dev/sda1 / : \
        cat /boot/grub/grub.cfg : ls /boot : vfs-type /dev/sda1 >"$tmp/check" 2>&1
    grep -q 'root=/dev/sda1 .*rootflags=subvol=@' "$tmp/check" ||
        { cat "$tmp/check" >&2; echo "build-guest-btrfs: grub.cfg has no root=/dev/sda1 with subvol=@" >&2; exit 1; }
    [ "$(grep -c '^initrd.img-.*-amd64$' "$tmp/check")" = 2 ] ||
        { echo "build-guest-btrfs: not two kernels with their initramfs" >&2; exit 1; }
    grep -qx btrfs "$tmp/check" || { echo "build-guest-btrfs: / is not btrfs" >&2; exit 1; }
    mv "$tmp/a.img" "$cache/guest-btrfs-$key.img"
}

[ -s "$cache/guest-btrfs-$key.img" ] || build_image
cp --reflink=auto --sparse=always "$cache/guest-btrfs-$key.img" "${1:?output}"
