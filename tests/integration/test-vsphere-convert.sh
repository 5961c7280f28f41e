#!/bin/bash
# One full conversion through the vSphere API of VMware's own simulator
# (vcsim as a vCenter): the test guest on vcsim's datastore as VM
# DC0_H0_VM0, named by its inventory path, powered on as vcsim starts it.
# Proves: options --shutdown-source shuts it down through the API first,
# and the state is asked again before the overlay and after the copy;
# the disk comes over vcsim's /folder; the domain has the MAC, memory and
# vCPUs the VM has; the result boots on virtio-blk with its NIC's name;
# the VM is left powered off, no API session is left open, and the
# password is in no process's argv (but vcsim's own), log or event.
source "$(dirname "$0")/../functions.sh"
requires which nbdkit qemu-img qemu-system-x86_64 openssl curl python3

start_vcsim vcenter
vm=$VCSIM_VM inv=/$VCSIM_DC/vm/$VCSIM_VM
put_guest_on_vcsim "$vm"
vcsim_set_power "$vm" poweredOn
dest=$T/out; mkdir -p "$dest" "$T/wd"
cat >"$T/ks" <<KS
source --type=vsphere --server=$VCSIM_SERVER --user=$VCSIM_USER \\
       --password-file=$VCSIM_PASSWORD_FILE --cacert=$VCSIM_CA
vm --inventory=$inv
options --shutdown-source
destination --type=local --dir=$dest --format=qcow2
KS
password=$(head -1 "$VCSIM_PASSWORD_FILE")

log "converting $inv"
start=$SECONDS
"$agent" run -k "$T/ks" --machine-readable --workdir "$T/wd" -v \
    >"$T/events.json" 2>"$T/agent.log" &
pid=$!
# Every process's argv while the conversion runs, but vcsim's.
while kill -0 $pid 2>/dev/null; do
    ps -eo pid=,args= | awk -v sim="$VCSIM_PID" '$1 != sim' >>"$T/ps.log"
    sleep 0.5
done
wait $pid || { tail -30 "$T/agent.log"; fail "agent exited $?"; }
log "converted in $(( SECONDS - start )) s"

log "shut down first, the state asked again before the overlay and after the copy"
grep -q "$vm.vmx is powered on (vSphere API: $inv runtime.powerState = poweredOn): shutting it down" "$T/agent.log" &&
    grep -q "$vm.vmx is powered off now" "$T/agent.log" ||
    { grep power "$T/agent.log"; fail "no shutdown through the API"; }
[ "$(grep -c "runtime.powerState = poweredOff" "$T/agent.log")" -ge 3 ] ||
    { grep power "$T/agent.log"; fail "the power state was not asked before the overlay and after the copy"; }
[ "$(vcsim_power "$vm")" = poweredOff ] || fail "the VM is not left powered off"
[ "$(govc session.ls | awk 'NR > 1 && $NF !~ /^govc\//' | wc -l)" = 0 ] ||
    { govc session.ls; fail "API sessions left open"; }

log "events, and the destination"
python3 - "$T/events.json" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
stages = [e["stage"] for e in evs if e["event"] == "stage"]
assert stages[:3] == ["destination", "source", "overlay"] and stages[-2:] == ["copy", "define"], stages
copies = [e for e in evs if e["event"] == "copy"]
assert copies and copies[-1]["done"] == copies[-1]["total"] > 100 << 20, copies[-1:]
assert evs[-1]["event"] == "summary" and evs[-1]["ok"] is True and evs[-1]["converted"] == 1, evs[-1]
PY
xml=$(ls "$dest"/*.xml)
disk=$(ls "$dest"/*-sda.qcow2)
[ "$(ls -A "$dest" | wc -l)" = 2 ] || fail "unexpected files: $(ls -A "$dest")"
[ -z "$(ls -A "$T/wd")" ] || fail "work directory left behind: $(ls -A "$T/wd")"
grep -q "<mac address='$VCSIM_MAC'/>" "$xml" || fail "not the VM's MAC $VCSIM_MAC"
grep -q "<memory unit='MiB'>1536</memory>" "$xml" || fail "memory"
grep -q "<vcpu>2</vcpu>" "$xml" || fail "vCPUs"

log "no secret anywhere"
grep -qF -- "$password" "$T/ps.log" && fail "password in ps output"
grep -qF -- "$password" "$T/agent.log" "$T/events.json" && fail "password in logs or events"
grep -q nbdkit "$T/ps.log" || fail "ps sampling did not see nbdkit (test is blind)"

log "boots on virtio-blk"
BOOT_MAC=$VCSIM_MAC boot_disk "$disk" qcow2 "$T/boot.log" ||
    { tail -30 "$T/boot.log"; fail "converted guest did not boot on virtio-blk"; }
grep -q 'V2VBOOT-ROOT: /dev/vda1' "$T/boot.log" || fail "root is not /dev/vda1"
grep -q "V2VBOOT-NIC: ens192 $VCSIM_MAC" "$T/boot.log" || fail "NIC did not keep its name ens192"
