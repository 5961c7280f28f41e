#!/bin/bash
# The ISO boots under SeaBIOS and under OVMF (UEFI) to the wizard's first
# screen on the serial console; the time to it, and init's own share,
# are reported (budget: init under 3 s).
source "$(dirname "$0")/../functions.sh"
requires which qemu-system-x86_64
iso=$top/build/v2vboot.iso
[ -f "$iso" ] || fail "no $iso: make image"

# boot_iso NAME FIRMWARE-ARGS...: boot, wait for the wizard on ttyS0.
boot_iso () {
    local name=$1 log=$T/$1.log start=$SECONDS i; shift
    : >"$log"
    qemu-system-x86_64 -accel "$V2VBOOT_ACCEL" -m 3072 -smp 2 -nodefaults \
        -display none -serial "file:$log" -cdrom "$iso" -boot d "$@" \
        -netdev user,id=n0 -device virtio-net-pci,netdev=n0 &
    local pid=$!
    for (( i = 0; i < 900; i++ )); do
        grep -aq 'Network of this host' "$log" && break
        kill -0 $pid 2>/dev/null || break
        sleep 1
    done
    kill $pid 2>/dev/null; wait $pid 2>/dev/null || :
    grep -aq 'Network of this host' "$log" || { tail -c 3000 "$log"; fail "$name: no wizard on the serial console"; }
    grep -aq "v2vboot $(sed -n 's/^#define V2V_VERSION "\(.*\)"/\1/p' "$top/agent/v2v.h")" "$log" ||
        fail "$name: no version on the screen"
    local init=$(grep -ao 'init took [0-9.]* s' "$log" | grep -o '[0-9.]*')
    log "$name: the wizard's first screen after $((SECONDS - start)) s under $V2VBOOT_ACCEL (init: $init s)"
    echo "$name $((SECONDS - start)) $init" >>"$top/build/image-boot-times"
}
: >"$top/build/image-boot-times"
boot_iso seabios
boot_iso ovmf -bios /usr/share/ovmf/OVMF.fd
