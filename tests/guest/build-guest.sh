#!/bin/bash
# Build a VMware-like Debian 12 test guest, or reuse the cached one.
#
# The guest looks like what VMware leaves behind: no virtio modules in its
# initramfs (MODULES=list with SCSI/IDE drivers only), /dev/sdX names in
# fstab and on the kernel command line (GRUB_DISABLE_LINUX_UUID=true),
# ifupdown config for ens192, a tarball-style VMware Tools with its
# uninstaller, a serial console, and a service that prints the boot marker
# on /dev/ttyS0.
#
# Usage: build-guest.sh OUTPUT.img              one disk: / on sda1
#        build-guest.sh --two OUT-A.img OUT-B.img  / on sda1, /var on sdb1
# Images are cached in $V2VBOOT_CACHE (default /var/cache/v2vboot), keyed
# by the SHA-256 of this script and the files beside it, and copied
# (reflink where possible, sparse) to the outputs.
set -euo pipefail

layout=one
[ "${1:-}" = --two ] && { layout=two; shift; }
here=$(cd "$(dirname "$0")" && pwd)
cache=${V2VBOOT_CACHE:-/var/cache/v2vboot}
key=$(cat "$here/build-guest.sh" "$here"/files/* | sha256sum | cut -c1-16)

export LIBGUESTFS_BACKEND=direct
export LIBGUESTFS_BACKEND_SETTINGS=${LIBGUESTFS_BACKEND_SETTINGS-force_tcg}

# The root filesystem, from Debian packages: shared by both layouts.
root_tar () {
    local tar=$cache/root-$key.tar tmp r
    [ -s "$tar" ] && { echo "$tar"; return; }
    mkdir -p "$cache"
    tmp=$(mktemp -d "$cache/build.XXXXXX")
    echo "build-guest: debootstrap Debian 12 (about 3 min)" >&2
    debootstrap --variant=minbase \
        --include=linux-image-amd64,grub-pc,initramfs-tools,systemd-sysv,udev,ifupdown,kmod,perl-base \
        bookworm "$tmp/root" >"$tmp/debootstrap.log" 2>&1 ||
        { tail -20 "$tmp/debootstrap.log" >&2; rm -rf "$tmp"; exit 1; }
    r=$tmp/root
    echo v2v-test-guest >"$r/etc/hostname"
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
    mv "$tmp/root.tar" "$tar"
    rm -rf "$tmp"
    echo "$tar"
}

# Partition, fill and make bootable; the guest must really look like
# VMware left it (root=/dev/sda1 in grub.cfg).
build_images () {
    local tar
    tar=$(root_tar)
    tmp=$(mktemp -d "$cache/build.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT       # (run in a subshell: see below)
    echo "build-guest: partition, fill and make bootable, $layout disk(s) (about 3 min)" >&2
    truncate -s 4G "$tmp/a.img"
    if [ $layout = one ]; then
        printf '/dev/sda1 / ext4 errors=remount-ro 0 1\n' >"$tmp/fstab"
        guestfish --rw -a "$tmp/a.img" <<GF
run
part-init /dev/sda mbr
part-add /dev/sda p 2048 -1
part-set-bootable /dev/sda 1 true
mkfs ext4 /dev/sda1
mount /dev/sda1 /
tar-in $tar /
upload $tmp/fstab /etc/fstab
command "update-initramfs -c -k all"
sh "d=\$(grub-probe --target=device /boot/grub); grub-install --target=i386-pc \${d%%[0-9]*}"
command "update-grub"
GF
    else
        truncate -s 2G "$tmp/b.img"
        printf '/dev/sda1 / ext4 errors=remount-ro 0 1\n/dev/sdb1 /var ext4 defaults 0 2\n' >"$tmp/fstab"
        guestfish --rw -a "$tmp/a.img" -a "$tmp/b.img" <<GF
run
part-init /dev/sda mbr
part-add /dev/sda p 2048 -1
part-set-bootable /dev/sda 1 true
mkfs ext4 /dev/sda1
part-init /dev/sdb mbr
part-add /dev/sdb p 2048 -1
mkfs ext4 /dev/sdb1
mount /dev/sda1 /
mkdir /var
mount /dev/sdb1 /var
tar-in $tar /
upload $tmp/fstab /etc/fstab
command "update-initramfs -c -k all"
sh "d=\$(grub-probe --target=device /boot/grub); grub-install --target=i386-pc \${d%%[0-9]*}"
command "update-grub"
GF
    fi
    guestfish --ro -a "$tmp/a.img" run : mount /dev/sda1 / : \
        cat /boot/grub/grub.cfg >"$tmp/grub.cfg"
    grep -q 'root=/dev/sda1' "$tmp/grub.cfg" ||
        { echo "build-guest: grub.cfg has no root=/dev/sda1" >&2; exit 1; }
    mv "$tmp/a.img" "$cache/guest-$key-$layout-a.img"
    [ $layout = one ] || mv "$tmp/b.img" "$cache/guest-$key-$layout-b.img"
}

# Inside the appliance the guest's disk is not always /dev/sda (the
# kernel may name the appliance's own disk first): grub-install is given
# the disk grub-probe finds under /boot/grub, and a build whose grub.cfg
# names another root than /dev/sda1 is made again.
if [ ! -s "$cache/guest-$key-$layout-a.img" ]; then
    for try in 1 2 3; do
        (build_images) && break
        [ $try = 3 ] && exit 1
        echo "build-guest: build $try failed; again" >&2
    done
fi
cp --reflink=auto --sparse=always "$cache/guest-$key-$layout-a.img" "${1:?output}"
[ $layout = one ] || cp --reflink=auto --sparse=always "$cache/guest-$key-$layout-b.img" "${2:?second output}"
