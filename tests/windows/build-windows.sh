#!/bin/bash
# Build the phony Windows guests and a phony virtio-win, or reuse the
# cached ones.
#
# No Windows image can be had here, so, as libguestfs's own tests do, the
# guests are NTFS filesystems with the Windows directory layout and
# registry hives made with hivexregedit --merge from the .reg files beside
# this script: enough for inspection and for every conversion step, not
# enough to boot.
#
#   win2019.img            Windows Server 2019 (10.0 build 17763), x86-64,
#                          DriverDatabase, static IP, VMware Tools
#   win7.img               Windows 7 Enterprise (6.1 build 7601), x86-64
#   win2019-hibernated.img as win2019, hiberfil.sys in use, Fast Startup on
#   win2019-dynamic.img    as win2019, C: on a dynamic disk (type 0x42)
#   win-bitlocker.img      System Reserved, then a BitLocker volume
#   virtio-win/            the real virtio-win layout with phony files
#   virtio-win.iso         the same tree as an ISO 9660 image
#
# Usage: build-windows.sh OUTDIR
# Cached in $V2VBOOT_CACHE (default /var/cache/v2vboot), keyed by the
# SHA-256 of the files beside this script.
set -euo pipefail

out=$1
here=$(cd "$(dirname "$0")" && pwd)
cache=${V2VBOOT_CACHE:-/var/cache/v2vboot}
key=$(cat "$here"/* | sha256sum | cut -c1-16)
dir=$cache/windows-$key

export LIBGUESTFS_BACKEND=direct
export LIBGUESTFS_BACKEND_SETTINGS=${LIBGUESTFS_BACKEND_SETTINGS-force_tcg}

hive () {   # hive OUTPUT PREFIX REG...
    local f=$1 prefix=$2 reg
    shift 2
    python3 "$here/make-hive.py" "$f"
    for reg in "$@"; do
        hivexregedit --merge --prefix "$prefix" "$f" "$reg"
    done
}

virtio_win () {   # virtio_win DIR
    local d=$1 drv os arch lc f
    for drv in viostor vioscsi NetKVM Balloon; do
        lc=${drv,,}
        for os in w7 2k8R2 w8 2k12 w8.1 2k12R2 w10 2k16 2k19 w11; do
            for arch in amd64 x86; do
                mkdir -p "$d/$drv/$os/$arch"
                for f in "$lc.inf" "$lc.sys" "$lc.cat"; do
                    echo "phony $f for $os $arch" >"$d/$drv/$os/$arch/$f"
                done
            done
        done
    done
    mkdir -p "$d/guest-agent"
    echo "phony qemu-ga x86_64" >"$d/guest-agent/qemu-ga-x86_64.msi"
    echo "phony qemu-ga i386" >"$d/guest-agent/qemu-ga-i386.msi"
}

build () {
    local t=$1
    hive "$t/SOFTWARE-2019" 'HKEY_LOCAL_MACHINE\SOFTWARE' "$here/software-2019.reg"
    hive "$t/SOFTWARE-w7" 'HKEY_LOCAL_MACHINE\SOFTWARE' "$here/software-w7.reg"
    hive "$t/SYSTEM-2019" 'HKEY_LOCAL_MACHINE\SYSTEM' "$here/system.reg" "$here/system-ddb.reg"
    hive "$t/SYSTEM-w7" 'HKEY_LOCAL_MACHINE\SYSTEM' "$here/system.reg"
    hive "$t/SYSTEM-fastboot" 'HKEY_LOCAL_MACHINE\SYSTEM' "$here/system.reg" \
        "$here/system-ddb.reg" "$here/system-fastboot.reg"
    python3 "$here/make-pe.py" "$t/cmd.exe" x86_64
    { printf HIBR; head -c 8188 /dev/zero; } >"$t/hiberfil.sys"
    echo "phony boot manager" >"$t/bootmgr"

    virtio_win "$t/virtio-win"
    xorriso -as mkisofs -quiet -J -R -V VIRTIO-WIN -o "$t/virtio-win.iso" \
        "$t/virtio-win"

    local img
    for img in win2019 win7 win2019-hibernated win2019-dynamic win-bitlocker; do
        truncate -s 1G "$t/$img.img"
    done
    # One appliance builds all five disks: sda..sde.
    guestfish --rw -a "$t/win2019.img" -a "$t/win7.img" \
        -a "$t/win2019-hibernated.img" -a "$t/win2019-dynamic.img" \
        -a "$t/win-bitlocker.img" <<GF
run
$(for dev in sda sdb sdc sdd sde; do cat <<P
part-init /dev/$dev mbr
part-add /dev/$dev p 2048 206847
part-add /dev/$dev p 206848 -2048
part-set-bootable /dev/$dev 1 true
mkfs ntfs /dev/${dev}1
mount /dev/${dev}1 /
upload $t/bootmgr /bootmgr
mkdir /Boot
umount /
P
done)
$(for v in sda:2019 sdb:w7 sdc:fastboot sdd:2019; do
  dev=${v%%:*} sys=${v#*:}; sw=$([ "$sys" = w7 ] && echo w7 || echo 2019)
  cat <<P
mkfs ntfs /dev/${dev}2
mount /dev/${dev}2 /
mkdir-p /Windows/System32/config
mkdir-p /Windows/System32/drivers
mkdir-p /Windows/Temp
mkdir-p "/Program Files"
mkdir-p /Users
upload $t/SOFTWARE-$sw /Windows/System32/config/SOFTWARE
upload $t/SYSTEM-$sys /Windows/System32/config/SYSTEM
upload $t/cmd.exe /Windows/System32/cmd.exe
upload $t/bootmgr /Windows/System32/drivers/vmxnet3.sys
umount /
P
done)
mount /dev/sdc2 /
upload $t/hiberfil.sys /hiberfil.sys
umount /
part-set-mbr-id /dev/sdd 2 0x42
pwrite-device /dev/sde2 "-FVE-FS-" 3
GF
}

if [ ! -f "$dir/done" ]; then
    echo "build-windows: phony Windows guests and virtio-win (about 30 s)" >&2
    mkdir -p "$cache"
    tmp=$(mktemp -d "$cache/windows-build.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    build "$tmp"
    rm -f "$tmp"/SOFTWARE-* "$tmp"/SYSTEM-* "$tmp/cmd.exe" "$tmp/hiberfil.sys" \
        "$tmp/bootmgr"
    touch "$tmp/done"
    rm -rf "$dir"
    mv "$tmp" "$dir"
    trap - EXIT
fi
mkdir -p "$out"
cp -r --reflink=auto --sparse=always "$dir"/*.img "$dir/virtio-win" \
    "$dir/virtio-win.iso" "$out/"
