#!/bin/bash
# Build the scale bench's guests (tests/bench/bench-scale.sh) from the
# Debian 12 test guest (build-guest.sh, reused from its cache: no new
# debootstrap), or reuse the cached ones.
#
#   --big:  one 32 GiB disk: the test guest's / on sda1 (4 GiB) and an
#           ext4 on sda2 (the other 28 GiB) holding 2.5 GiB of
#           pseudo-random files, mounted on /srv/data by UUID.
#   --four: four disks: the test guest's / on the first (4 GiB), and on
#           each of the other three (8 GiB each) one partition with an
#           ext4 holding 512 MiB of pseudo-random files, mounted on
#           /srv/d1, /srv/d2, /srv/d3 by UUID (without nofail: a result
#           that lost one of them does not reach the boot marker).
#
# The files are AES-128-CTR keystreams of fixed passphrases (openssl enc
# -nosalt): the same bytes on every build, quick to make, and they do not
# compress.  The data filesystems are made on the host by mke2fs -d
# (Debian 12's e2fsprogs, as the guest's) with fixed UUIDs; only the
# fstab edit needs the appliance.
#
# Usage: build-guest-scale.sh --big OUTPUT.img
#        build-guest-scale.sh --four OUT-A.img OUT-B.img OUT-C.img OUT-D.img
# Cached in $V2VBOOT_CACHE (default /var/cache/v2vboot), keyed by the
# SHA-256 of this script, build-guest.sh and the files beside it, and
# copied (reflink where possible, sparse) to the outputs.
set -euo pipefail

layout=${1:?usage: build-guest-scale.sh --big OUT.img | --four A.img B.img C.img D.img}
shift
here=$(cd "$(dirname "$0")" && pwd)
cache=${V2VBOOT_CACHE:-/var/cache/v2vboot}
key=$(cat "$here/build-guest-scale.sh" "$here/build-guest.sh" "$here"/files/* |
          sha256sum | cut -c1-16)
mib=1048576

export LIBGUESTFS_BACKEND=direct
export LIBGUESTFS_BACKEND_SETTINGS=${LIBGUESTFS_BACKEND_SETTINGS-force_tcg}

# random_files DIR COUNT MIB SEED: COUNT files of MIB MiB in DIR.
random_files () {
    local i
    mkdir -p "$1"
    for (( i = 1; i <= $2; i++ )); do
        # openssl dies of SIGPIPE when head has its bytes.
        { openssl enc -aes-128-ctr -nosalt -pass "pass:v2vboot-scale-$4-$i" \
              </dev/zero 2>/dev/null || :; } | head -c $(( $3 * mib )) >"$1/data-$i.bin"
    done
}

# data_fs IMG START-MIB SIZE-MIB UUID DIR: an ext4 of SIZE-MIB holding
# DIR's files at START-MIB of IMG (a partition already there).
data_fs () {
    mke2fs -q -t ext4 -U "$4" -E "offset=$(( $2 * mib ))" \
        -d "$5" "$1" "$3M"
}

# add_mounts IMG LINE...: fstab lines (and their mount points) in the
# root of IMG.
add_mounts () {
    local img=$1 l gf=(); shift
    for l in "$@"; do
        gf+=(: mkdir-p "$(echo "$l" | cut -d' ' -f2)")
        gf+=(: write-append /etc/fstab "$l
")
    done
    guestfish --rw -a "$img" run : mount /dev/sda1 / "${gf[@]}" : cat /etc/fstab
}

build_big () {
    local tmp
    tmp=$(mktemp -d "$cache/build.XXXXXX")
    trap "rm -rf '$tmp'" EXIT
    echo "build-guest-scale: the 32 GiB guest (about 2 min)" >&2
    "$here/build-guest.sh" "$tmp/a.img"
    truncate -s 32G "$tmp/a.img"
    echo 'start=8388608, type=83' | sfdisk -q --append "$tmp/a.img"
    random_files "$tmp/data" 5 512 big
    data_fs "$tmp/a.img" 4096 $(( 28 * 1024 )) 5ca1e000-0000-4000-8000-000000000001 "$tmp/data"
    rm -rf "$tmp/data"
    add_mounts "$tmp/a.img" \
        "UUID=5ca1e000-0000-4000-8000-000000000001 /srv/data ext4 defaults 0 2"
    mv "$tmp/a.img" "$cache/guest-scale-$key-big.img"
}

build_four () {
    local tmp d uuids=()
    tmp=$(mktemp -d "$cache/build.XXXXXX")
    trap "rm -rf '$tmp'" EXIT
    echo "build-guest-scale: the 4-disk guest (about 2 min)" >&2
    "$here/build-guest.sh" "$tmp/a.img"
    for d in 1 2 3; do
        truncate -s 8G "$tmp/d$d.img"
        echo 'start=2048, type=83' | sfdisk -q "$tmp/d$d.img"
        random_files "$tmp/data" 1 512 "four-$d"
        data_fs "$tmp/d$d.img" 1 $(( 8 * 1024 - 1 )) "5ca1e000-0000-4000-8000-00000000000$(( d + 1 ))" "$tmp/data"
        rm -rf "$tmp/data"
        uuids+=("UUID=5ca1e000-0000-4000-8000-00000000000$(( d + 1 )) /srv/d$d ext4 defaults 0 2")
    done
    add_mounts "$tmp/a.img" "${uuids[@]}"
    for d in 1 2 3; do mv "$tmp/d$d.img" "$cache/guest-scale-$key-four-$d.img"; done
    mv "$tmp/a.img" "$cache/guest-scale-$key-four-0.img"
}

copy_out () { cp --reflink=auto --sparse=always "$cache/guest-scale-$key-$1.img" "$2"; }

case $layout in
    --big)
        [ -s "$cache/guest-scale-$key-big.img" ] || build_big
        copy_out big "${1:?output}" ;;
    --four)
        [ -s "$cache/guest-scale-$key-four-0.img" ] || build_four
        [ $# = 4 ] || { echo "build-guest-scale: --four needs 4 outputs" >&2; exit 2; }
        for d in 0 1 2 3; do copy_out "four-$d" "$1"; shift; done ;;
    *) echo "build-guest-scale: $layout: --big or --four" >&2; exit 2 ;;
esac
