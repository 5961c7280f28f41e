#!/bin/bash
# vm --vmx over HTTPS: the .vmx gives the disks (descriptor resolved to
# its flat extent), the NIC's MAC and network, memory and vCPUs, and the
# name.  The converted VM keeps the source MAC, so its NIC keeps its name.
# Snapshot disks and missing files are refused before any overlay exists.
source "$(dirname "$0")/../functions.sh"
requires which nbdkit qemu-img qemu-system-x86_64 nginx

start_nginx
put_guest_on_datastore testvm
mac=00:50:56:8a:1b:2c
put_vmx_on_datastore testvm "$mac"
dest=$T/out; mkdir -p "$dest" "$T/wd"
ks () {
    cat >"$T/$1.ks" <<KS
source --type=https --server=127.0.0.1:$NGINX_PORT --user=$USER \\
       --password-file=$PASSWORD_FILE --cacert=$CERT
vm --vmx="$2"
destination --type=local --dir=$dest
network --map="VM Network=default"
KS
}

log "refusals before anything is written"
ks missing "[datastore1] testvm/nosuch.vmx"
r=0; "$agent" run -k "$T/missing.ks" --workdir "$T/wd" 2>"$T/err" || r=$?
[ $r = 1 ] && grep -q 'no such file on datastore: \[datastore1\] testvm/nosuch.vmx' "$T/err" ||
    { cat "$T/err"; fail "missing .vmx"; }
mkdir -p "$DATASTORE/snap"
sed 's/testvm.vmdk/snap-000001.vmdk/' "$DATASTORE/testvm/testvm.vmx" >"$DATASTORE/snap/snap.vmx"
printf '# Disk DescriptorFile\nversion=1\nCID=1\nparentCID=fffffffe\ncreateType="vmfsSparse"\nparentFileNameHint="testvm.vmdk"\nRW 8 VMFSSPARSE "snap-000001-delta.vmdk"\n' \
    >"$DATASTORE/snap/snap-000001.vmdk"
ks snap "[datastore1] snap/snap.vmx"
r=0; "$agent" run -k "$T/snap.ks" --workdir "$T/wd" 2>"$T/err" || r=$?
[ $r = 1 ] && grep -q 'snap/snap-000001.vmdk: a snapshot (delta) disk: delete or consolidate' "$T/err" ||
    { cat "$T/err"; fail "snapshot disk not refused"; }
[ -z "$(ls -A "$dest" "$T/wd" | grep -v :)" ] || fail "something was written"

log "conversion from the .vmx"
ks good "[datastore1] testvm/testvm.vmx"
"$agent" run -k "$T/good.ks" --workdir "$T/wd" 2>"$T/run.log" || { tail "$T/run.log"; fail "run failed"; }
grep -q 'disk 0: \[datastore1\] testvm/testvm-flat.vmdk' "$T/run.log" || fail "descriptor not resolved"
xml=$dest/testvm--prod-.xml
[ -f "$xml" ] || fail "no $xml (name from displayName): $(ls "$dest")"
grep -q "<mac address='$mac'/>" "$xml" || fail "source MAC not kept"
grep -q "<source network='default'/>" "$xml" || fail "network not mapped"
grep -q "<memory unit='MiB'>1536</memory>" "$xml" || fail "memory from .vmx"
grep -q "<vcpu>2</vcpu>" "$xml" || fail "vCPUs from .vmx"
BOOT_MAC=$mac boot_disk "$dest/testvm--prod--sda.qcow2" qcow2 "$T/boot.log" ||
    { tail -20 "$T/boot.log"; fail "did not boot"; }
grep -q "V2VBOOT-NIC: ens192 $mac" "$T/boot.log" || fail "NIC ens192 does not have the source MAC"
