#!/bin/bash
# A real iPXE chain, BIOS and UEFI, as docs/image.md says: the firmware
# (SeaBIOS; OVMF with fresh variables) boots the NIC's ROM (qemu's
# virtio-net ROM is iPXE, its EFI driver under OVMF), which gets by DHCP
# from qemu's user network the http:// URL of build/pxe's sample
# v2vboot.ipxe, served as it is from the host (10.0.2.2) with vmlinuz
# and initrd beside it.  In the sample's menu on the serial console the
# test presses w; the wizard's first screen must come on the console,
# and the kernel and initrd must have come over HTTP from beside the
# script.  SeaBIOS shows the menu on the serial port with qemu's
# graphics=off (its console redirection, as a server's BIOS offers).
source "$(dirname "$0")/../functions.sh"
source "$top/tests/image/boot-wizard.sh"
requires which qemu-system-x86_64 python3
pxe=$top/build/pxe
[ -f "$pxe/initrd" ] || fail "no $pxe/initrd: make image"

mkdir -p "$T/www"
ln -s "$pxe/vmlinuz" "$pxe/initrd" "$T/www/"
cp "$pxe/v2vboot.ipxe" "$T/www/"
serve_http "$T/www"
net=(-netdev "user,id=n0,bootfile=http://10.0.2.2:$HTTP_PORT/v2vboot.ipxe"
     -device virtio-net-pci,netdev=n0,bootindex=1)
wizard_line="initrd=initrd console=tty0 console=ttyS0,115200"

# check NAME: the kernel got the sample's wizard line, the files came
# from beside the script (HTTP_LOG's lines after $seen).
seen=0
check () {
    local cmdline f
    cmdline=$(grep -a 'Command line: ' "$T/$1.log" | tr -d '\r')
    case ${cmdline#*Command line: } in
        "$wizard_line"|"vmlinuz $wizard_line") ;;
        *) fail "$1: the kernel did not get the sample's wizard line: $cmdline" ;;
    esac
    tail -n +$((seen + 1)) "$HTTP_LOG" >"$T/$1.http"
    for f in v2vboot.ipxe vmlinuz initrd; do
        grep -q "\"GET /$f HTTP/1\.[01]\" 200" "$T/$1.http" ||
            fail "$1: $f was not fetched over HTTP"
    done
    seen=$(wc -l <"$HTTP_LOG")
}
boot_wizard ipxe-seabios 'the wizard' w -- -machine graphics=off "${net[@]}"
check ipxe-seabios
boot_wizard ipxe-ovmf 'the wizard' w -- -bios /usr/share/ovmf/OVMF.fd "${net[@]}"
check ipxe-ovmf
