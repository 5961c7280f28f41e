#!/bin/bash
# The whole mission in one test: the PXE kernel and initrd on qemu's user
# network, given v2v.ks=http://10.0.2.2:PORT/convert.ks, convert the test
# guest from the host's nginx "ESXi" into a libvirt pool on the host over
# qemu+ssh (the kickstart's %pre writes the password, SSH key and
# known_hosts it needs), unattended to the end, and power off; the
# pool's volume then boots on virtio-blk.  The image runs its appliance
# on its own KVM (nested in software emulation here), which init must
# have loaded.  The time from power-on to power-off is reported.
source "$(dirname "$0")/../functions.sh"
source "$(dirname "$0")/pxe-mission.sh"
requires which qemu-system-x86_64 python3 libvirtd virsh sshd

start_kvm_host pxe
pool=$POOL
cleanup_fn 'virsh -q undefine frompxe >/dev/null 2>&1'
pxe_mission frompxe "$pool"
log "unattended PXE run: converted and powered off in $PXE_SECONDS s from power-on"
echo "pxe-convert-seconds $PXE_SECONDS" >"$top/build/pxe-convert.time"

grep -aq 'KVM is available' "$PXE_SERIAL" ||
    fail "init did not load KVM for a CPU with virtualization extensions"
grep -aq 'starting the conversion appliance (KVM)' "$PXE_SERIAL" ||
    fail "the agent did not run its appliance on KVM"
grep -aFq "$(cat "$PASSWORD_FILE")" "$PXE_SERIAL" && fail "the password reached the console"
# The %post showed every file under /var/log/v2vboot on the console: no
# password or key there, and each file 0600.
grep -aq 'V2VBOOT-LOG-FILE: kickstart.ks' "$PXE_SERIAL" ||
    fail "the image's logs are not on the console (the kickstart's %post)"
grep -aFq "$(sed -n 2p "$ROOT_SSH_KEY")" "$PXE_SERIAL" &&
    fail "the KVM host's private key reached the console or a log"
grep -aq 'PRIVATE KEY' "$PXE_SERIAL" && fail "a private key reached the console or a log"
grep -a 'V2VBOOT-LOG-MODE: -' "$PXE_SERIAL" >"$T/modes" || fail "no file modes on the console"
grep -av 'V2VBOOT-LOG-MODE: -rw------- ' "$T/modes" &&
    fail "a file under /var/log/v2vboot is not 0600"
log "no password or key in /var/log/v2vboot or on the console; its files are 0600"
virsh -q dumpxml frompxe >"$T/dom.xml" || fail "frompxe not defined on the host"
vol=$(virsh vol-path frompxe-sda --pool "$pool") || fail "no volume in $pool"
grep -qF "$vol" "$T/dom.xml" || fail "the domain does not use the pool's volume"
log "the pool's volume boots on virtio-blk"
boot_disk "$vol" raw "$T/boot.log" 600 || { tail -20 "$T/boot.log"; fail "converted volume did not boot"; }
:
