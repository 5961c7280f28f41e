#!/bin/bash
# make bench, part 3: the bootable image's budgets.  The ISO and the PXE
# initrd against 300 MiB each; the boot to the wizard's first screen that
# make check-image measured (build/image-boot-times: SeaBIOS and OVMF,
# under software emulation), with init's own share against its 3 s; and
# the whole mission's time (PXE image to converted + power-off) that
# make check-image measured (build/pxe-convert.time).  A measurement:
# it fails only on a missed size budget.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
b=$top/build
[ -f "$b/v2vboot.iso" ] && [ -f "$b/pxe/initrd" ] ||
    { echo "bench-image: no image (make image); skipped"; exit 0; }
mib () { echo $(( $(stat -c %s "$1") >> 20 )); }
iso=$(mib "$b/v2vboot.iso")
initrd=$(mib "$b/pxe/initrd")
echo "== image budgets"
printf '%-36s %6s MiB  (budget 300 MiB)\n' "ISO build/v2vboot.iso" "$iso"
printf '%-36s %6s MiB  (budget 300 MiB)\n' "PXE initrd build/pxe/initrd" "$initrd"
if [ -s "$b/image-boot-times" ]; then
    while read -r fw total init; do
        printf '%-36s %6s s   (of which init %s s, budget 3 s)\n' \
            "boot to the wizard, $fw (TCG)" "$total" "$init"
    done <"$b/image-boot-times"
else
    echo "boot times: not measured (make check-image writes them)"
fi
if [ -s "$b/pxe-convert.time" ]; then
    printf '%-36s %6s s   (TCG; the appliance on nested KVM)\n' \
        "PXE boot to converted + power-off" "$(cut -d' ' -f2 "$b/pxe-convert.time")"
fi
[ "$iso" -le 300 ] && [ "$initrd" -le 300 ] ||
    { echo "bench-image: an image is over its 300 MiB budget"; exit 1; }
