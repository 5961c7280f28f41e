#!/bin/bash
# Install what v2vboot needs to build, test and benchmark on Debian 12.
# Fast when everything is there (only dpkg-query runs); otherwise one
# apt-get update and install.  Called by make check, make example and
# make bench, so a fresh machine needs nothing else.
set -euo pipefail

pkgs=(
    # build
    gcc make pkg-config libguestfs-dev libcurl4-openssl-dev libssl-dev
    # run: the agent's data path and conversion
    libguestfs0 nbdkit qemu-utils qemu-system-x86 linux-image-amd64
    # tests: guest build, servers, checks
    guestfish debootstrap nginx-light openssl curl python3 procps
    libvirt-clients valgrind util-linux bc clang libclang-rt-14-dev
    # bench: the reference converter
    virt-v2v libnbd-bin
)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
        missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "setup: installing ${missing[*]}" >&2
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
