#!/bin/bash
# Install what v2vboot needs to build, test and benchmark on Debian 12
# (with --build: only what the build needs; --list-build prints those
# packages, a line each, and installs nothing).
# Fast when everything is there (only dpkg-query runs); otherwise one
# apt-get update and install.  Called by make check, make example and
# make bench, so a fresh machine needs nothing else.
set -euo pipefail

# What the build needs (make, make all: setup.sh --build).
build_pkgs=(
    gcc make pkg-config libguestfs-dev libcurl4-openssl-dev libssl-dev libssh-dev
    libvirt-dev libnbd-dev libncurses-dev libxml2-dev zlib1g-dev nbdkit-plugin-dev
)
pkgs=(
    "${build_pkgs[@]}"
    # run: the agent's data path and conversion
    libguestfs0 nbdkit qemu-utils qemu-system-x86 linux-image-amd64
    # tests: guest build, servers, checks
    guestfish debootstrap nginx-light openssh-server openssl curl python3 procps
    libvirt-clients libvirt-daemon-system valgrind util-linux bc clang libclang-rt-14-dev tmux e2fsprogs
    # tests: phony Windows guests (NTFS in the appliance, hivexregedit)
    ntfs-3g libwin-hivex-perl
    # tests: the UEFI guest (XFS root in the appliance; OVMF is below)
    libguestfs-xfs
    # bench: the reference converter
    virt-v2v libnbd-bin
    # make image: the bootable image, and booting it under SeaBIOS and OVMF
    libguestfs-tools busybox-static xorriso isolinux syslinux-common
    grub-efi-amd64-bin mtools dosfstools ovmf zstd xfsprogs
    # make check-image: network boots (the NIC's iPXE ROM; pxelinux)
    ipxe-qemu pxelinux
    # tests: vcsim and govc, built from source (tests/tools/build-vcsim.sh)
    golang-go golang-github-vmware-govmomi-dev golang-github-google-uuid-dev
    golang-github-kr-pretty-dev dpkg-dev
)
[ "${1:-}" = --build ] && pkgs=("${build_pkgs[@]}")
[ "${1:-}" = --list-build ] && { printf '%s\n' "${build_pkgs[@]}"; exit 0; }
# One dpkg-query for all: a package it does not know is missing too.
mapfile -t installed < <(dpkg-query -W -f='${Status} ${Package}\n' "${pkgs[@]}" 2>/dev/null |
    sed -n 's/^install ok installed //p')
missing=()
for p in "${pkgs[@]}"; do
    [[ " ${installed[*]} " == *" $p "* ]] || missing+=("$p")
done
# The vSphere tests' simulator: built once per version, then cached.
build_vcsim () { [ "${1:-}" = --build ] || "$(dirname "$0")/tools/build-vcsim.sh" >/dev/null; }
[ ${#missing[@]} -eq 0 ] && { build_vcsim "$@"; exit 0; }
echo "setup: installing ${missing[*]}" >&2
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# Tests start their own nginx and sshd on 127.0.0.1: do not let the
# packages start daemons listening on :80 and :22.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod 755 /usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
build_vcsim "$@"
