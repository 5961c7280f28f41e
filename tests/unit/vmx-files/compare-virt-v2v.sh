#!/bin/bash
# Prints what virt-v2v's own reader makes of each .vmx of this folder
# (virt-v2v -i vmx FILE --print-source), for the comparison README.md
# records.  Not part of make check: run by hand where virt-v2v is
# installed.  virt-v2v opens every disk it finds with qemu-nbd, so each
# relative .vmdk the file names is made here as an empty 1 MiB VMDK in a
# scratch copy of the folder; a file whose disks are absolute paths
# cannot be compared this way and says so.
set -u
here=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /var/tmp/vmx-compare.XXXXXX)
trap 'rm -rf "$T"' EXIT
for f in "$here"/*.vmx; do
    name=${f##*/}
    echo "=== $name"; start=$(date +%s)
    cp "$f" "$T/"
    # every fileName ending in .vmdk, relative to the .vmx
    sed -n 's/^[^#]*\.[fF][iI][lL][eE][nN][aA][mM][eE] *= *"\([^"/][^"]*\.vmdk\)".*/\1/p' "$f" |
    while read -r disk; do
        mkdir -p "$T/$(dirname "$disk")"
        [ -e "$T/$disk" ] || qemu-img create -q -f vmdk "$T/$disk" 1M
    done
    (cd "$T" && timeout 120 virt-v2v -i vmx "$name" --print-source 2>&1) |
        sed -n '/source name:/,$p;/error/p'
    echo "($(( $(date +%s) - start )) s)"
done
