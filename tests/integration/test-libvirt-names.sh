#!/bin/bash
# A libvirt pool as the destination of two VMs whose display names give
# one name ("web 01", "web/01" -> web-01), converted at once
# (--parallel=2): the second is refused before any copy, naming both VMs,
# by the first's claim (an inactive domain web-01.v2vboot-claim).  A claim whose run
# lives refuses a run; one left by a dead run of this machine is taken
# over, and the volumes it lists are deleted, with a warning each.
source "$(dirname "$0")/../functions.sh"
requires which libvirtd virsh sshd nbdkit nginx

start_nginx
for vm in weba webb; do
    mkdir -p "$DATASTORE/$vm"
    truncate -s 64M "$DATASTORE/$vm/$vm-flat.vmdk"   # no OS: inspection fails
    put_vmx_on_datastore $vm 00:50:56:aa:bb:0${vm#web?}
done
sed -i 's|^displayName = .*|displayName = "web 01"|' "$DATASTORE/weba/weba.vmx"
sed -i 's|^displayName = .*|displayName = "web/01"|' "$DATASTORE/webb/webb.vmx"
start_kvm_host names
mkdir -p "$T/wd"
uri="qemu+ssh://root@127.0.0.1:$ROOT_SSH_PORT/system"
head_ks () {
    cat <<KS
source --type=https --server=127.0.0.1:$NGINX_PORT --user=$USER \\
       --password-file=$PASSWORD_FILE --cacert=$CERT
destination --type=libvirt --uri=$uri --identity=$ROOT_SSH_KEY --pool=$POOL --known-hosts=$ROOT_KNOWN_HOSTS
network --map="VM Network=default"
KS
}
{ head_ks; cat <<KS; } >"$T/batch.ks"
options --parallel=2
vm --vmx="[datastore1] weba/weba.vmx"
vm --vmx="[datastore1] webb/webb.vmx"
KS

log "two VMs named web-01, at once"
r=0; "$agent" run -k "$T/batch.ks" --workdir "$T/wd" --summary "$T/summary.json" >"$T/log" 2>&1 || r=$?
[ $r = 1 ] || { cat "$T/log"; fail "batch: exit $r"; }
python3 - "$T/summary.json" "$POOL" <<'PY' || { cat "$T/log"; fail "summary"; }
import json, sys
vms = json.load(open(sys.argv[1]))["vms"]
refused = [v for v in vms if v["stage"] == "destination"]
assert len(refused) == 1, vms
e = refused[0]["error"]
assert e.startswith("the name web-01 is already being written to storage pool '%s' on qemu+ssh://" % sys.argv[2]), e
assert "[datastore1] weba/weba.vmx" in e and "[datastore1] webb/webb.vmx" in e, e
print("refused:", e)
PY
[ -z "$(virsh -q vol-list "$POOL")" ] || fail "volumes left: $(virsh -q vol-list "$POOL")"
virsh -q list --all --name | grep -q v2vboot-claim && fail "a claim was left"

# claim PID: a claim on web-01 by process PID of this machine and boot,
# listing the volume web-01-sda (which exists) and one of another name.
claim () {
    machine=$(cat /sys/class/dmi/id/product_uuid 2>/dev/null || cat /etc/machine-id)
    virsh -q define /dev/stdin >/dev/null <<XML
<domain type='kvm'><name>web-01.v2vboot-claim</name><description>v2vboot claim
vm=[datastore1] old/old.vmx
pid=$1
host=h
machine=$machine
boot=$(cat /proc/sys/kernel/random/boot_id)
since=2026-12-01T00:00:00Z
vol=web-01-sda
vol=other-sda
</description><memory unit='MiB'>16</memory><os><type arch='x86_64'>hvm</type></os></domain>
XML
    virsh -q vol-create-as "$POOL" web-01-sda 1M --format raw >/dev/null
    virsh -q vol-create-as "$POOL" other-sda 1M --format raw >/dev/null
}
cleanup_fn 'virsh -q undefine web-01.v2vboot-claim >/dev/null 2>&1'
{ head_ks; echo 'vm --vmx="[datastore1] weba/weba.vmx"'; } >"$T/one.ks"

log "a claim whose run is alive"
claim $$
r=0; "$agent" run -k "$T/one.ks" --workdir "$T/wd" >"$T/log" 2>&1 || r=$?
[ $r = 1 ] && grep -qF "error: destination: the name web-01 is already being written to storage pool '$POOL' on $uri by the conversion of [datastore1] old/old.vmx (pid $$ on h, since 2026-12-01T00:00:00Z); [datastore1] weba/weba.vmx would get the same name" "$T/log" ||
    { cat "$T/log"; fail "a live claim: exit $r"; }
virsh -q vol-list "$POOL" | grep -q web-01-sda || fail "a live claim's volume was deleted"

log "a claim whose run is dead"
sleep 0 & dead=$!; wait $dead
virsh -q undefine web-01.v2vboot-claim >/dev/null
virsh -q vol-delete web-01-sda --pool "$POOL" >/dev/null
virsh -q vol-delete other-sda --pool "$POOL" >/dev/null
claim $dead
r=0; "$agent" run -k "$T/one.ks" --workdir "$T/wd" >"$T/log" 2>&1 || r=$?
[ $r = 1 ] || { cat "$T/log"; fail "a dead claim: exit $r"; }
grep -qF "warning: deleted volume web-01-sda in storage pool '$POOL', left by a conversion of [datastore1] old/old.vmx that did not finish (pid $dead on h)" "$T/log" ||
    { cat "$T/log"; fail "the dead run's volume was not reported"; }
grep -q "error: destination:" "$T/log" && { cat "$T/log"; fail "refused after the claim's run died"; }
virsh -q vol-list "$POOL" | awk '{print $1}' >"$T/vols"
echo other-sda | cmp -s - "$T/vols" || { cat "$T/vols"; fail "volumes after a dead claim"; }
virsh -q list --all --name | grep -q web-01.v2vboot-claim && fail "the claim was not released"
exit 0
