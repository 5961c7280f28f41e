#!/bin/bash
# Build VMware's vSphere simulator (vcsim) and its CLI (govc) from
# Debian's golang-github-vmware-govmomi source package with Debian's Go,
# for the vSphere tests (tests/functions.sh: start_vcsim).  Prints the
# directory holding both, ${V2VBOOT_CACHE:-/var/cache/v2vboot}/vcsim-VERSION
# (VERSION: the installed golang-github-vmware-govmomi-dev's, which the
# source package shares); a no-op when that directory is there.
#
# Needs golang-go, golang-github-vmware-govmomi-dev and the Go libraries
# govc uses (tests/setup.sh installs them), dpkg-dev for apt-get source,
# and a deb-src line for bookworm (written here if apt has none).
set -euo pipefail

cache=${V2VBOOT_CACHE:-/var/cache/v2vboot}
ver=$(dpkg-query -W -f='${Version}' golang-github-vmware-govmomi-dev 2>/dev/null) ||
    { echo "build-vcsim: golang-github-vmware-govmomi-dev is not installed (tests/setup.sh)" >&2; exit 1; }
out=$cache/vcsim-$ver
have () { [ -x "$out/vcsim" ] && [ -x "$out/govc" ]; }
have && { echo "$out"; exit 0; }

# Two tests started together on a cold cache build once.
mkdir -p "$cache"
exec {lock}>"$cache/.vcsim-lock"
flock "$lock"
have && { echo "$out"; exit 0; }

start=$SECONDS
work=$(mktemp -d /var/tmp/v2vboot-vcsim.XXXXXX)
trap 'rm -rf "$work"' EXIT
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo

# apt-get source needs a deb-src line; Debian 12's default sources have none.
srclist=/etc/apt/sources.list.d/v2vboot-src.sources
fetch () { (cd "$work" && apt-get source -q "golang-github-vmware-govmomi=$ver") >"$work/apt.log" 2>&1; }
if ! fetch; then
    if ! grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
        echo "build-vcsim: adding $srclist (deb-src for bookworm)" >&2
        printf '%s\n' 'Types: deb-src' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm' \
            'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' |
            $SUDO tee "$srclist" >/dev/null
    fi
    $SUDO apt-get update -q >&2
    fetch || { cat "$work/apt.log" >&2; echo "build-vcsim: apt-get source failed" >&2; exit 1; }
fi
tree=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'golang-github-vmware-govmomi-*')
[ -f "$tree/vcsim/main.go" ] && [ -d "$tree/govc" ] ||
    { echo "build-vcsim: no vcsim/ and govc/ in the source package" >&2; exit 1; }

# A GOPATH whose github.com/vmware/govmomi is this tree; the other Go
# libraries come from Debian's packages in /usr/share/gocode.
gp=$work/gopath
mkdir -p "$gp/src/github.com/vmware" "$work/bin"
ln -s "$tree" "$gp/src/github.com/vmware/govmomi"
(cd "$gp/src/github.com/vmware/govmomi" &&
    GOPATH=$gp:/usr/share/gocode GO111MODULE=off GOFLAGS= GOCACHE=$work/gocache \
        nice go build -o "$work/bin/" ./vcsim ./govc) >&2
help=$("$work/bin/vcsim" -h 2>&1) || :
[[ $help == *-esx* ]] ||
    { echo "build-vcsim: the vcsim built does not run" >&2; exit 1; }
rm -rf "$out.new" "$out"
mkdir "$out.new"
mv "$work/bin/vcsim" "$work/bin/govc" "$out.new/"
mv -T "$out.new" "$out"
echo "build-vcsim: vcsim and govc $ver built in $(( SECONDS - start )) s" >&2
echo "$out"
