#!/bin/bash
# Build the UEFI test guest (Debian 13 trixie), or reuse the cached one.
#
# One guest for several shapes a distribution installer leaves on VMware:
# GPT with an ESP (vfat, /dev/sda1), /boot on ext4 (/dev/sda2), a swap
# partition (/dev/sda3, also the resume device), and an LVM volume group
# (debian-vg on /dev/sda4) with / on XFS made by trixie's own mkfs.xfs.
# fstab names /boot, /boot/efi and swap by /dev/sdX, / by its mapper name.
# grub-efi-amd64 is installed with --no-nvram into \EFI\debian\ only (no
# \EFI\BOOT\, no shim): its boot entry would be in VMware's NVRAM, which
# does not come along.  The initramfs has no virtio modules (MODULES=list),
# ens192 has a static address in /etc/network/interfaces, and a service
# prints the marker (uefi-files/v2v-marker) on /dev/ttyS0.
#
# Usage: build-guest-uefi.sh OUTPUT.img
# Cached in $V2VBOOT_CACHE (default /var/cache/v2vboot), keyed by the
# SHA-256 of this script and the files in uefi-files/, and copied
# (reflink where possible, sparse) to the output.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${V2VBOOT_CACHE:-/var/cache/v2vboot}
key=$(cat "$here/build-guest-uefi.sh" "$here"/uefi-files/* | sha256sum | cut -c1-16)
f=$here/uefi-files
root_mib=3000                   # the root LV, and trixie's XFS made for it

export LIBGUESTFS_BACKEND=direct
export LIBGUESTFS_BACKEND_SETTINGS=${LIBGUESTFS_BACKEND_SETTINGS-force_tcg}

# The root filesystem from Debian packages, and an empty XFS for the root
# LV made by the guest's own mkfs.xfs (trixie's features, not the
# appliance's).
root_tar () {
    local tar=$cache/uefi-root-$key.tar xfs=$cache/uefi-xfs-$key.img tmp r
    [ -s "$tar" ] && [ -s "$xfs" ] && return
    mkdir -p "$cache"
    tmp=$(mktemp -d "$cache/build.XXXXXX")
    echo "build-guest-uefi: debootstrap Debian 13 (about 4 min)" >&2
    debootstrap --variant=minbase \
        --include=linux-image-amd64,grub-efi-amd64,initramfs-tools,systemd-sysv,udev,ifupdown,kmod,lvm2,xfsprogs,dosfstools,iproute2 \
        trixie "$tmp/root" >"$tmp/debootstrap.log" 2>&1 ||
        { tail -20 "$tmp/debootstrap.log" >&2; rm -rf "$tmp"; exit 1; }
    r=$tmp/root
    echo v2v-uefi-guest >"$r/etc/hostname"
    install -m 0644 "$f/interfaces" "$r/etc/network/interfaces"
    install -m 0644 "$f/grub-default" "$r/etc/default/grub"
    install -m 0644 "$f/initramfs-modules" "$r/etc/initramfs-tools/modules"
    install -m 0644 "$f/resume" "$r/etc/initramfs-tools/conf.d/resume"
    install -m 0644 "$f/fstab" "$r/etc/fstab"
    sed -i 's/^MODULES=.*/MODULES=list/' "$r/etc/initramfs-tools/initramfs.conf"
    install -m 0755 "$f/v2v-marker" "$r/usr/local/sbin/v2v-marker"
    install -m 0644 "$f/v2v-marker.service" "$r/etc/systemd/system/v2v-marker.service"
    ln -sf /etc/systemd/system/v2v-marker.service \
        "$r/etc/systemd/system/multi-user.target.wants/v2v-marker.service"
    mkdir -p "$r/boot/efi"
    echo 'root:v2vboot' | chroot "$r" chpasswd
    truncate -s ${root_mib}M "$r/root.xfs"
    chroot "$r" mkfs.xfs -q -L root /root.xfs
    mv "$r/root.xfs" "$tmp/xfs.img"
    rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/*
    tar -C "$r" -cf "$tmp/root.tar" .
    mv "$tmp/xfs.img" "$xfs"
    mv "$tmp/root.tar" "$tar"
    rm -rf "$tmp"
}

# Partition, fill and install grub as the installer would with the
# NVRAM left out.
build_image () {
    local tar=$cache/uefi-root-$key.tar xfs=$cache/uefi-xfs-$key.img tmp
    root_tar
    tmp=$(mktemp -d "$cache/build.XXXXXX")
    trap "rm -rf '$tmp'" EXIT
    echo "build-guest-uefi: partition, fill and install grub (about 4 min)" >&2
    truncate -s 4G "$tmp/a.img"
    guestfish --rw -a "$tmp/a.img" <<GF
add-ro $xfs
run
part-init /dev/sda gpt
part-add /dev/sda p 2048 206847
part-add /dev/sda p 206848 731135
part-add /dev/sda p 731136 1255423
part-add /dev/sda p 1255424 -34
part-set-gpt-type /dev/sda 1 C12A7328-F81F-11D2-BA4B-00A0C93EC93B
part-set-gpt-type /dev/sda 3 0657FD6D-A4AB-43C4-84E5-0933C84B4F4F
part-set-gpt-type /dev/sda 4 E6D6D379-F507-44C2-A23C-238F2A3DF928
mkfs vfat /dev/sda1
mkfs ext4 /dev/sda2
mkswap /dev/sda3
pvcreate /dev/sda4
vgcreate debian-vg /dev/sda4
lvcreate root debian-vg $root_mib
copy-device-to-device /dev/sdb /dev/debian-vg/root sparse:true
mount /dev/debian-vg/root /
mkdir /boot
mount /dev/sda2 /boot
mkdir /boot/efi
mount /dev/sda1 /boot/efi
tar-in $tar /
command "update-initramfs -c -k all"
command "grub-install --target=x86_64-efi --efi-directory=/boot/efi --bootloader-id=debian --no-nvram"
command "update-grub"
find /boot/efi
cat /boot/grub/grub.cfg
GF
    guestfish --ro -a "$tmp/a.img" run : mount /dev/debian-vg/root / : \
        mount /dev/sda2 /boot : mount /dev/sda1 /boot/efi : \
        find /boot/efi : cat /boot/grub/grub.cfg : vfs-type /dev/debian-vg/root \
        >"$tmp/check" 2>&1
    grep -qx '/*EFI/debian/grubx64.efi' "$tmp/check" ||
        { cat "$tmp/check" >&2; echo "build-guest-uefi: no \\EFI\\debian\\grubx64.efi" >&2; exit 1; }
    ! grep -qi '^/*EFI/BOOT' "$tmp/check" ||
        { echo "build-guest-uefi: \\EFI\\BOOT\\ exists" >&2; exit 1; }
    grep -q 'root=/dev/mapper/debian--vg-root' "$tmp/check" ||
        { echo "build-guest-uefi: grub.cfg has no root=/dev/mapper/debian--vg-root" >&2; exit 1; }
    grep -qx xfs "$tmp/check" || { echo "build-guest-uefi: / is not XFS" >&2; exit 1; }
    mv "$tmp/a.img" "$cache/guest-uefi-$key.img"
}

[ -s "$cache/guest-uefi-$key.img" ] || build_image
cp --reflink=auto --sparse=always "$cache/guest-uefi-$key.img" "${1:?output}"
