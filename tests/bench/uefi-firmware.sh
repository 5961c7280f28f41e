#!/bin/bash
# uefi-firmware.sh DOMAIN.xml: prints "CODE VARS" for a UEFI domain,
# nothing for a BIOS one.  CODE: the one the domain names (<loader>, as
# virt-v2v writes it), else the one libvirt gives it (its qemu argv,
# devices left out: they need the pool and network of a real host).
# VARS: the template the domain names (<nvram template=...>), else the
# one of CODE's firmware descriptor.
#
# A script of its own, not a function of the bench, so that it holds the
# system libvirtd's lock (start_libvirtd) only while it asks, not for the
# whole bench.  Same method as tests/integration/test-uefi-guest.sh.
source "$(dirname "$0")/../functions.sh"
xml=$1
grep -qE "firmware='efi'|<loader[^>]*type='pflash'" "$xml" || exit 0
# A domain that names its code (virt-v2v's) gets that file: no need to
# ask libvirt, whose lock other tests may hold for many minutes.
code=$(grep -o "<loader[^>]*type='pflash'[^>]*>[^<]*<" "$xml" | sed 's/.*>\([^<]*\)<$/\1/' || :)
if [ -z "$code" ]; then
    start_libvirtd
    sed '/<devices>/,/<\/devices>/d' "$xml" >"$T/os.xml"
    code=$(virsh -c qemu:///system domxml-to-native qemu-argv "$T/os.xml" |
        grep -o '"filename":"[^"]*","node-name":"libvirt-pflash0-storage"' | cut -d'"' -f4)
fi
[ -f "$code" ] || fail "no UEFI code in libvirt's argv for $xml"
vars=$(grep -o "<nvram template='[^']*'" "$xml" | cut -d"'" -f2)
[ -n "$vars" ] || vars=$(python3 - "$code" <<'PY'
import glob, json, sys
for f in sorted(glob.glob('/usr/share/qemu/firmware/*.json')):
    d = json.load(open(f))
    m = d.get('mapping', {})
    if m.get('executable', {}).get('filename') == sys.argv[1]:
        print(m['nvram-template']['filename']); break
PY
)
[ -f "$vars" ] || fail "no variables template for $code"
echo "$code $vars"
