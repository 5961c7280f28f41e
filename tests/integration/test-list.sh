#!/bin/bash
# list-vms finds every .vmx on the source, over HTTPS (ESXi's /folder
# browser pages, served by nginx's directory index) and over SSH
# (/vmfs/volumes), with what the wizard shows of each; an unreadable
# .vmx is listed with its problem; a wrong password fails with the
# reason.  list-destination lists a libvirt host's pools and networks.
source "$(dirname "$0")/../functions.sh"
requires which nginx sshd libvirtd virsh

start_nginx
put_guest_on_datastore testvm
put_vmx_on_datastore testvm 00:50:56:aa:bb:01
mkdir -p "$DATASTORE/broken vm" "$DATASTORE/iso"
echo 'this is not = "a vmx' >"$DATASTORE/broken vm/broken vm.vmx"
: >"$DATASTORE/iso/debian.iso"
start_sshd
cat >"$T/https.ks" <<KS
source --type=https --server=127.0.0.1:$NGINX_PORT --user=$USER --password-file=$PASSWORD_FILE --cacert=$CERT
KS
cat >"$T/ssh.ks" <<KS
source --type=ssh --server=127.0.0.1:$SSH_PORT --user=$SSH_USER --identity=$SSH_KEY --known-hosts=$KNOWN_HOSTS
KS
for p in https ssh; do
    "$agent" list-vms -k "$T/$p.ks" --machine-readable >"$T/$p.json" 2>"$T/$p.err" ||
        { cat "$T/$p.err"; fail "$p: list-vms failed"; }
    python3 - "$T/$p.json" <<'PY' || { cat "$T/$p.json"; fail "$p: list-vms output"; }
import json, sys
vms = {v["vmx"]: v for v in map(json.loads, open(sys.argv[1]))}
assert set(vms) == {"[datastore1] testvm/testvm.vmx", "[datastore1] broken vm/broken vm.vmx"}, vms
t = vms["[datastore1] testvm/testvm.vmx"]
assert t["name"] == "testvm (prod)" and t["guest_os"] == "debian12-64", t
assert t["memory_mib"] == 1536 and t["vcpus"] == 2 and t["disks"] == 1, t
assert t["disk_bytes"] == 4 << 30 and t["networks"] == "VM Network", t
assert t["problem"] is None, t
assert vms["[datastore1] broken vm/broken vm.vmx"]["problem"], vms
PY
    log "$p: $(wc -l <"$T/$p.json") VMs listed"
done
# The text form is a batch kickstart's vm lines.
"$agent" list-vms -k "$T/https.ks" | grep -qx 'vm --vmx="\[datastore1\] testvm/testvm.vmx"  # testvm (prod), debian12-64, 1536 MiB, 2 vCPU, 1 disk(s) 4 GiB, networks: VM Network' ||
    fail "list-vms text"

sed "s|--password-file=[^ ]*|--password-file=$WRONG_PASSWORD_FILE|" "$T/https.ks" >"$T/wrong.ks"
r=0; "$agent" list-vms -k "$T/wrong.ks" 2>"$T/err" || r=$?
[ $r = 1 ] && grep -q "wrong user or password for 'root' (HTTP 401)" "$T/err" || { cat "$T/err"; fail "wrong password: exit $r"; }

start_libvirtd
pool=v2vboot-list-$$
make_pool "$pool" "$T/pool"
echo "destination --type=libvirt --uri=qemu:///system --pool=$pool" >"$T/dest.ks"
"$agent" list-destination -k "$T/dest.ks" >"$T/dest.txt" || fail "list-destination"
grep -qE "^pool +$pool +active" "$T/dest.txt" || { cat "$T/dest.txt"; fail "pool not listed"; }
virsh -q net-list --all --name | while read -r n; do
    [ -z "$n" ] || grep -qE "^network +$n " "$T/dest.txt" || fail "network $n not listed"
done
