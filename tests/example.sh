#!/bin/bash
# make example: the real product on the built-in example.  Boots the
# image (build/pxe, as a PXE server would hand it out) in qemu; the image
# fetches its kickstart from this host, converts the VMware-like Debian 12
# test guest served by a local nginx "ESXi" (HTTPS, basic auth) into a
# libvirt pool on this host over qemu+ssh, unattended, and powers off.
# The converted volume is then booted on virtio-blk.  The volume and the
# domain's XML stay in build/example/; the pool and domain are removed
# from libvirt at the end.
source "$(dirname "$0")/functions.sh"
source "$(dirname "$0")/image/pxe-mission.sh"

out=$top/build/example
rm -rf "$out"; mkdir -p "$out/pool"
start_libvirtd
export LIBVIRT_DEFAULT_URI=qemu:///system
# Not make_pool, which deletes the volumes at the end: this one stays.
pool=v2vboot-example-$$
virsh -q pool-define-as "$pool" dir --target "$out/pool" >/dev/null
virsh -q pool-start "$pool" >/dev/null
cleanup_fn "virsh -q pool-destroy $pool; virsh -q pool-undefine $pool"
start_root_sshd
cleanup_fn 'virsh -q undefine example >/dev/null 2>&1'
pxe_mission example "$pool"
cp "$PXE_SERIAL" "$out/console.log"
virsh -q dumpxml example >"$out/example.xml"
log "the image converted the guest and powered off in $PXE_SECONDS s from power-on (console: $out/console.log)"

log "booting the converted volume on virtio-blk (qemu)"
mac=$(grep -o "mac address='[^']*'" "$out/example.xml" | cut -d"'" -f2)
if BOOT_MAC=$mac boot_disk "$out/pool/example-sda" raw "$out/boot.log" 600; then
    grep V2VBOOT "$out/boot.log" >&2
    log "the converted VM boots: $out/pool/example-sda and $out/example.xml"
else
    tail -20 "$out/boot.log" >&2
    fail "the converted VM did not boot"
fi
