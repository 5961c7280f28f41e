#!/bin/bash
# The ISO written to a USB key, as docs/image.md says (dd of the hybrid
# ISO): build/v2vboot.iso as the disk of a USB mass-storage device on
# an XHCI controller, not a CD, boots under SeaBIOS (the ISO's MBR,
# isolinux) and under OVMF with fresh variables (the GPT's EFI system
# partition, grub) to the wizard's first screen on the serial console.
# The key is the only boot device with something to boot (the NIC's ROM
# gets no boot file).  The test takes the menus' first entry with Enter
# instead of waiting their 5 s.
source "$(dirname "$0")/../functions.sh"
source "$top/tests/image/boot-wizard.sh"
requires which qemu-system-x86_64 python3
iso=$top/build/v2vboot.iso
[ -f "$iso" ] || fail "no $iso: make image"
usb=(-device qemu-xhci,id=xhci
     -drive "if=none,id=usbkey,format=raw,readonly=on,file=$iso"
     -device usb-storage,bus=xhci.0,drive=usbkey,removable=on,bootindex=1
     -netdev user,id=n0 -device virtio-net-pci,netdev=n0)

boot_wizard usb-seabios 'boot: ' $'\r' -- "${usb[@]}"
boot_wizard usb-ovmf 'executed automatically' $'\r' -- -bios /usr/share/ovmf/OVMF.fd "${usb[@]}"
