#!/bin/bash
# make example-agent: the agent alone on the built-in example, without
# the image.  Builds the VMware-like Debian 12 test guest (cached), serves
# it from a local nginx "ESXi" over HTTPS with basic auth, converts it
# with v2vboot-agent into build/example/, and boots the result on
# virtio-blk to show it works.
source "$(dirname "$0")/functions.sh"

out=$top/build/example
rm -rf "$out"; mkdir -p "$out"
log "serving the test guest from nginx on 127.0.0.1 (https, basic auth)"
start_nginx
put_guest_on_datastore testvm
write_ks "$out/example.ks" testvm "$out" --cacert="$CERT"
cat "$out/example.ks" >&2
log "v2vboot-agent run --kickstart $out/example.ks"
"$agent" run --kickstart "$out/example.ks"
rm -f "$out/example.ks"   # it names this run's temporary password file
log "booting the converted disk on virtio-blk (qemu, software emulation)"
mac=$(grep -o "mac address='[^']*'" "$out/testvm-kvm.xml" | cut -d"'" -f2)
if BOOT_MAC=$mac boot_disk "$out/testvm-kvm-sda.qcow2" qcow2 "$out/boot.log"; then
    grep V2VBOOT "$out/boot.log" >&2
    log "the converted VM boots: $out/testvm-kvm-sda.qcow2 and $out/testvm-kvm.xml"
else
    tail -20 "$out/boot.log" >&2
    fail "the converted VM did not boot"
fi
