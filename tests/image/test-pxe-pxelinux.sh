#!/bin/bash
# A real PXE chain on BIOS, as docs/image.md says: SeaBIOS, the NIC's
# PXE ROM (qemu's virtio-net ROM), DHCP and TFTP from qemu's user
# network, Debian's pxelinux.0 and ldlinux.c32, then build/pxe's sample
# pxelinux.cfg.default as it is, which loads vmlinuz and initrd by TFTP.
# At its boot: prompt on the serial port the test types "wizard"; the
# wizard's first screen must come on the console.  TFTP of the 220 MiB
# initrd is most of the time (pxelinux can only do TFTP).
source "$(dirname "$0")/../functions.sh"
source "$top/tests/image/boot-wizard.sh"
requires which qemu-system-x86_64 python3
pxe=$top/build/pxe
[ -f "$pxe/initrd" ] || fail "no $pxe/initrd: make image"
for f in /usr/lib/PXELINUX/pxelinux.0 /usr/lib/syslinux/modules/bios/ldlinux.c32; do
    [ -f "$f" ] || fail "no $f (tests/setup.sh installs pxelinux and syslinux-common)"
done

tftp=$T/tftp
mkdir -p "$tftp/pxelinux.cfg"
cp /usr/lib/PXELINUX/pxelinux.0 /usr/lib/syslinux/modules/bios/ldlinux.c32 "$tftp/"
ln -s "$pxe/vmlinuz" "$pxe/initrd" "$tftp/"
cp "$pxe/pxelinux.cfg.default" "$tftp/pxelinux.cfg/default"

boot_wizard pxelinux-seabios \
    'boot: ' $'wizard\r' -- \
    -netdev "user,id=n0,tftp=$tftp,bootfile=pxelinux.0" \
    -device virtio-net-pci,netdev=n0,bootindex=1
grep -aq 'Loading initrd\.\.\. *ok' "$T/pxelinux-seabios.log" ||
    fail "pxelinux did not load the initrd"
# The wizard's label: the sample's append line, no kickstart.
cmdline=$(grep -a 'Command line: ' "$T/pxelinux-seabios.log" | tr -d '\r')
[ "${cmdline#*Command line: }" = "BOOT_IMAGE=vmlinuz initrd=initrd console=tty0 console=ttyS0,115200" ] ||
    fail "the kernel did not get the sample's wizard line: $cmdline"
