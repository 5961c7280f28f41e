#!/bin/bash
# Build the LUKS test guest (Debian 12 bookworm, BIOS), or reuse the
# cached one.
#
# One guest for the shapes the other guests do not have: / on ext4 inside
# LUKS2 (/dev/sda2, opened as sda2_crypt, named by /dev/sda2 in
# /etc/crypttab as a VMware guest may have it), /boot on ext4 (/dev/sda1,
# by /dev/sdX in fstab), MBR, cryptsetup-initramfs asking for the
# passphrase on the console; and a static address on ens192 in
# NetworkManager's keyfile form (no ifupdown).  The initramfs has no virtio
# modules (MODULES=list).  A service prints the marker
# (luks-files/v2v-marker) on /dev/ttyS0.  The passphrase is the test key
# in luks-files/passphrase (a test key, not a secret).
#
# Usage: build-guest-luks.sh OUTPUT.img
# Cached in $V2VBOOT_CACHE (default /var/cache/v2vboot), keyed by the
# SHA-256 of this script and the files in luks-files/, and copied
# (reflink where possible, sparse) to the output.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${V2VBOOT_CACHE:-/var/cache/v2vboot}
f=$here/luks-files
key=$(cat "$here/build-guest-luks.sh" "$f"/* | sha256sum | cut -c1-16)

export LIBGUESTFS_BACKEND=direct
export LIBGUESTFS_BACKEND_SETTINGS=${LIBGUESTFS_BACKEND_SETTINGS-force_tcg}

# The root filesystem, from Debian 12's packages.
root_tar () {
    local tar=$cache/luks-root-$key.tar tmp r
    [ -s "$tar" ] && return
    mkdir -p "$cache"
    tmp=$(mktemp -d "$cache/build.XXXXXX")
    echo "build-guest-luks: debootstrap Debian 12 (about 4 min)" >&2
    debootstrap --variant=minbase \
        --include=linux-image-amd64,grub-pc,initramfs-tools,systemd-sysv,udev,kmod,cryptsetup,cryptsetup-initramfs,iproute2,e2fsprogs \
        bookworm "$tmp/root" >"$tmp/debootstrap.log" 2>&1 ||
        { tail -20 "$tmp/debootstrap.log" >&2; rm -rf "$tmp"; exit 1; }
    r=$tmp/root
    # NetworkManager fails to configure among debootstrap's base packages
    # (it is configured before what its scripts need): apt installs it
    # after.
    { chroot "$r" apt-get update &&
      DEBIAN_FRONTEND=noninteractive chroot "$r" apt-get install -y \
          --no-install-recommends network-manager; } >>"$tmp/debootstrap.log" 2>&1 ||
        { tail -30 "$tmp/debootstrap.log" >&2; rm -rf "$tmp"; exit 1; }
    [ ! -e "$r/sbin/ifup" ] || { echo "build-guest-luks: ifupdown got installed" >&2; exit 1; }
    echo v2v-luks-guest >"$r/etc/hostname"
    install -m 0600 "$f/ens192.nmconnection" \
        "$r/etc/NetworkManager/system-connections/ens192.nmconnection"
    install -m 0644 "$f/grub-default" "$r/etc/default/grub"
    install -m 0644 "$f/initramfs-modules" "$r/etc/initramfs-tools/modules"
    install -m 0644 "$f/fstab" "$r/etc/fstab"
    install -m 0644 "$f/crypttab" "$r/etc/crypttab"
    sed -i 's/^MODULES=.*/MODULES=list/' "$r/etc/initramfs-tools/initramfs.conf"
    install -m 0755 "$f/v2v-marker" "$r/usr/local/sbin/v2v-marker"
    install -m 0644 "$f/v2v-marker.service" "$r/etc/systemd/system/v2v-marker.service"
    ln -sf /etc/systemd/system/v2v-marker.service \
        "$r/etc/systemd/system/multi-user.target.wants/v2v-marker.service"
    echo 'root:v2vboot' | chroot "$r" chpasswd
    rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/*
    tar -C "$r" -cf "$tmp/root.tar" .
    mv "$tmp/root.tar" "$tar"
    rm -rf "$tmp"
}

# Partition, encrypt, fill and make bootable.  The LUKS2 header is made
# with Argon2id at a small cost (16 MiB, 4 iterations: the minimum), so
# that a 1 GiB guest under TCG unlocks it in seconds (64 MiB took 16 s).  The mapping is opened under the crypttab
# name, so that cryptsetup-initramfs finds the root's entry.  Raw
# cryptsetup and grub-install see the appliance's own names, where the
# guest's disk is not always /dev/sda: it is the one with a partition 2.
# (guestfish's cryptsetup-open would take the key from a terminal.)
build_image () {
    local tar=$cache/luks-root-$key.tar tmp pass
    root_tar
    pass=$(cat "$f/passphrase")
    tmp=$(mktemp -d "$cache/build.XXXXXX")
    trap 'rm -rf "$tmp"' RETURN
    echo "build-guest-luks: partition, encrypt, fill and make bootable (about 4 min)" >&2
    truncate -s 3G "$tmp/a.img"
    cat >"$tmp/build.gf" <<GF
run
part-init /dev/sda mbr
part-add /dev/sda p 2048 1050623
part-add /dev/sda p 1050624 -1
part-set-bootable /dev/sda 1 true
debug sh "udevadm settle; for d in /dev/sd[a-z]2; do [ -b \$d ] && break; done; printf %s '$pass' | cryptsetup luksFormat -q --type luks2 --pbkdf argon2id --pbkdf-memory 16384 --pbkdf-force-iterations 4 --key-file - \$d && printf %s '$pass' | cryptsetup open --key-file - \$d sda2_crypt && udevadm settle"
mkfs ext4 /dev/sda1
mkfs ext4 /dev/mapper/sda2_crypt
mount /dev/mapper/sda2_crypt /
mkdir /boot
mount /dev/sda1 /boot
tar-in $tar /
command "update-initramfs -c -k all"
sh "for d in /dev/sd[a-z]2; do [ -b \$d ] && break; done; grub-install --target=i386-pc \${d%2}"
command "update-grub"
sh "lsinitramfs /boot/initrd.img-*"
cat /boot/grub/grub.cfg
luks-uuid /dev/sda2
vfs-type /dev/mapper/sda2_crypt
GF
    guestfish --rw -a "$tmp/a.img" -f "$tmp/build.gf" >"$tmp/check" 2>&1 ||
        { tail -30 "$tmp/check" >&2; echo "build-guest-luks: guestfish failed" >&2; exit 1; }
    grep -q 'root=/dev/mapper/sda2_crypt' "$tmp/check" ||
        { cat "$tmp/check" >&2; echo "build-guest-luks: grub.cfg has no root=/dev/mapper/sda2_crypt" >&2; exit 1; }
    grep -q '^cryptroot/crypttab$' "$tmp/check" ||
        { echo "build-guest-luks: the initramfs has no cryptroot/crypttab" >&2; exit 1; }
    grep -q '/cryptsetup$' "$tmp/check" ||
        { echo "build-guest-luks: the initramfs has no cryptsetup" >&2; exit 1; }
    grep -qx ext4 "$tmp/check" || { echo "build-guest-luks: / is not ext4" >&2; exit 1; }
    mv "$tmp/a.img" "$cache/guest-luks-$key.img"
}

[ -s "$cache/guest-luks-$key.img" ] || build_image
cp --reflink=auto --sparse=always "$cache/guest-luks-$key.img" "${1:?output}"
