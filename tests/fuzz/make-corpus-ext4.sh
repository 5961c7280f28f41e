#!/bin/bash
# Writes the seeds of tests/fuzz/corpus-ext4 (fuzz-ext4.c): the first
# blocks of tiny filesystems made by mke2fs, with everything that
# ext4_unused.c reads in them (superblock, group descriptors, inode
# tables, journal superblock), trailing zeros cut (the fuzz target reads
# past its input as zeros).  Run by hand after a change of layout.
set -euo pipefail
out=$(cd "$(dirname "$0")" && pwd)/corpus-ext4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

# seed NAME SIZE HEAD MKE2FS-OPTIONS...: the first HEAD bytes of a
# SIZE filesystem, trailing zeros cut.
seed () {
    local name=$1 size=$2 head=$3
    shift 3
    rm -f "$tmp/fs.img"
    E2FSPROGS_FAKE_TIME=1700000000 mke2fs -q -F -U 00000000-0000-0000-0000-000000000001 \
        -E hash_seed=00000000-0000-0000-0000-000000000002 \
        "$@" "$tmp/fs.img" "$size" >/dev/null
    e2fsck -fn "$tmp/fs.img" >/dev/null
    head -c "$head" "$tmp/fs.img" |
        python3 -c 'import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().rstrip(b"\0"))' \
        >"$out/$name"
}

# 1 KiB blocks, 6 groups with backups, journal at block 40 in two extents
seed ext4-1k 3M 64K -t ext4 -b 1024 -g 512 -N 32 -O ^resize_inode \
    -J size=1,location=40
# 1 KiB blocks with the online-resize reserve: superblock and GDT only
seed ext4-1k-resize 4M 8K -t ext4 -b 1024 -g 1024 -N 64
# 4 KiB blocks, 64bit (64-byte descriptors), journal at block 11
seed ext4-4k-64bit 12M 64K -t ext4 -b 4096 -N 32 -O 64bit,^resize_inode,^flex_bg \
    -J size=4,location=8
# ext3: a block-mapped journal, no checksums
seed ext3-1k 3M 16K -t ext3 -b 1024 -g 512 -N 32
# 4 KiB blocks and 2 KiB inodes (the inode once overflowed a 1 KiB
# buffer), journal superblock at block 17
seed ext4-4k-inode2048 12M 72K -t ext4 -b 4096 -I 2048 -N 16 \
    -O ^resize_inode,^flex_bg -J size=4,location=14
ls -l "$out"
