#!/bin/bash
# The vsphere source against VMware's own simulator (vcsim, once as an
# ESXi host, once as a vCenter), the fast checks: nothing here reads a
# disk or starts libguestfs.  Proves: list-vms through the API names each
# VM's inventory path and power state; a powered-on or suspended VM is
# refused at the source stage, left as it was, with what to do;
# options --shutdown-source shuts a powered-on VM down through the guest
# and --hard-power-off powers a suspended one off; a wrong password is an
# auth error, a missing pin a trust-cert one (with the fingerprint),
# a wrong pin refused, an unknown VM, folder or datacenter a not-found one;
# nothing is written, the password is in no event or log, and every API
# session the agent opened is logged out.  vcsim 0.24.2 powers a VM off at
# once on ShutdownGuest and cannot disable a method, so the wait for a
# slow guest and the power-off after the timeout are not tested here.
source "$(dirname "$0")/../functions.sh"
requires which openssl curl python3
mkdir -p "$T/out" "$T/wd"

# ks NAME TRUST LINE...: $T/NAME.ks, the running vcsim as a vsphere source
# trusted with TRUST (--cacert=..., --thumbprint=..., or nothing), the
# LINEs, and a local destination.  PASSWORD_FILE= another password file.
ks () {
    local name=$1 trust=$2; shift 2
    { echo "source --type=vsphere --server=$VCSIM_SERVER --user=$VCSIM_USER" \
           "--password-file=${PASSWORD_FILE:-$VCSIM_PASSWORD_FILE} $trust"
      printf '%s\n' "$@"
      echo "destination --type=local --dir=$T/out"; } >"$T/$name.ks"
}

# check_fails NAME KIND PATTERN [DETAIL]: check with $T/NAME.ks exits 1
# with one error event, of the source stage, of KIND, its message
# matching PATTERN (python re), its detail DETAIL if given; nothing
# written.  Its stderr is in $T/NAME.err.
check_fails () {
    local name=$1 r=0
    "$agent" check -k "$T/$name.ks" --workdir "$T/wd" --machine-readable \
        >"$T/$name.json" 2>"$T/$name.err" || r=$?
    [ $r = 1 ] || { cat "$T/$name.err"; fail "$name: check exited $r, not 1"; }
    python3 - "$T/$name.json" "$2" "$3" "${4:-}" <<'PY' ||
import json, re, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
errs = [e for e in evs if e["event"] == "error"]
assert len(errs) == 1, errs
e = errs[0]
assert e["stage"] == "source" and e["kind"] == sys.argv[2], e
assert re.search(sys.argv[3], e["message"]), e["message"]
assert not sys.argv[4] or e.get("detail") == sys.argv[4], e
PY
        { cat "$T/$name.json"; fail "$name: not a $2 error matching: $3"; }
    [ -z "$(ls -A "$T/out" "$T/wd" | grep -v :)" ] || fail "$name: something was written"
}

# inventory_fails NAME KIND PATTERN: check with $T/NAME.ks exits 1 with an
# error matching PATTERN (grep -E) on stderr and one error event of KIND,
# nothing written.
inventory_fails () {
    local r=0
    "$agent" check -k "$T/$1.ks" --workdir "$T/wd" --machine-readable \
        >"$T/$1.json" 2>"$T/$1.err" || r=$?
    [ $r = 1 ] && grep -qE "^v2vboot-agent: error: .*$3" "$T/$1.err" ||
        { cat "$T/$1.err"; fail "$1: exit $r, or no error matching: $3"; }
    python3 - "$T/$1.json" "$2" <<'PY' ||
import json, sys
errs = [e for e in map(json.loads, open(sys.argv[1])) if e["event"] == "error"]
assert len(errs) == 1 and errs[0]["kind"] == sys.argv[2], errs
PY
        { cat "$T/$1.json"; fail "$1: not one error event of kind $2"; }
    [ -z "$(ls -A "$T/out" "$T/wd" | grep -v :)" ] || fail "$1: something was written"
}

# power_is VM STATE: the simulator says VM is in STATE.
power_is () {
    local now
    now=$(vcsim_power "$1")
    [ "$now" = "$2" ] || fail "$1 is $now, not $2"
}

# sessions_left: the API sessions still open, other than govc's own.
sessions_left () {
    govc session.ls | awk 'NR > 1 && $NF !~ /^govc\//' | wc -l
}

# list_has TEXT: list-vms printed ($T/list.txt) a line with TEXT.
list_has () {
    grep -qF -- "$1" "$T/list.txt" || { cat "$T/list.txt"; fail "list-vms: no line with: $1"; }
}

log "ESXi: list-vms through the API"
start_vcsim esx
dc=$VCSIM_DC vm0=$VCSIM_VM vm1=ha-host_VM1
power_is "$vm0" poweredOn
vcsim_set_power "$vm1" poweredOff
ks list --cacert="$VCSIM_CA"
"$agent" list-vms -k "$T/list.ks" >"$T/list.txt" 2>"$T/list.err" ||
    { cat "$T/list.err"; fail "list-vms failed"; }
list_has "vm --vmx=\"[LocalDS_0] $vm0/$vm0.vmx\" --datacenter=$dc  # /$dc/vm/$vm0, powered on, $vm0, "
list_has "vm --vmx=\"[LocalDS_0] $vm1/$vm1.vmx\" --datacenter=$dc  # /$dc/vm/$vm1, powered off, $vm1, "
[ "$(wc -l <"$T/list.txt")" = 2 ] || { cat "$T/list.txt"; fail "list-vms: not 2 VMs"; }
ks pinned --thumbprint="$VCSIM_THUMBPRINT"
"$agent" list-vms -k "$T/pinned.ks" --machine-readable >"$T/list.json" 2>"$T/list.err" ||
    { cat "$T/list.err"; fail "list-vms with the pin failed"; }
python3 - "$T/list.json" "$dc" "$vm0" "$vm1" <<'PY' || { cat "$T/list.json"; fail "list-vms events"; }
import json, sys
dc, vm0, vm1 = sys.argv[2:]
vms = {v["inventory"]: v for v in map(json.loads, open(sys.argv[1]))}
assert set(vms) == {f"/{dc}/vm/{vm0}", f"/{dc}/vm/{vm1}"}, vms
v = vms[f"/{dc}/vm/{vm0}"]
assert v["event"] == "vm" and v["power"] == "on" and v["datacenter"] == dc, v
assert v["vmx"] == f"[LocalDS_0] {vm0}/{vm0}.vmx" and v["name"] == vm0, v
assert vms[f"/{dc}/vm/{vm1}"]["power"] == "off", vms
PY

log "ESXi: a powered-on or suspended VM is refused, and left as it is"
ks on --cacert="$VCSIM_CA" "vm --inventory=/$dc/vm/$vm0"
check_fails on other "is powered on \(vSphere API: /$dc/vm/$vm0 runtime.powerState = poweredOn\): shut it down in vSphere, or add options --shutdown-source to"
power_is "$vm0" poweredOn
vcsim_set_power "$vm1" suspended
ks suspended --cacert="$VCSIM_CA" "vm --vmx=\"[LocalDS_0] $vm1/$vm1.vmx\""
check_fails suspended other "$vm1.vmx is suspended \(vSphere API: .*\): .* add options --shutdown-source --hard-power-off to"
power_is "$vm1" suspended

log "ESXi: --shutdown-source, --hard-power-off"
ks shutdown --cacert="$VCSIM_CA" "vm --inventory=$vm0" "options --shutdown-source --shutdown-timeout=30"
# The VM is off; then the check goes on to the .vmx, which vcsim leaves empty.
check_fails shutdown other "$vm0.vmx: .*not a .vmx file"
power_is "$vm0" poweredOff
grep -q "$vm0: guest shutdown (VMware Tools), waiting up to 30 s" "$T/shutdown.err" &&
    grep -q "$vm0.vmx is powered off now" "$T/shutdown.err" ||
    { cat "$T/shutdown.err"; fail "no guest shutdown"; }
ks soft --cacert="$VCSIM_CA" "vm --inventory=/$dc/vm/$vm1" "options --shutdown-source"
check_fails soft other "is suspended .*: a guest shutdown needs it running: .* add --hard-power-off"
power_is "$vm1" suspended
ks hard --cacert="$VCSIM_CA" "vm --inventory=/$dc/vm/$vm1" "options --shutdown-source --hard-power-off"
check_fails hard other "$vm1.vmx: .*not a .vmx file"
power_is "$vm1" poweredOff
grep -q "$vm1: hard power-off" "$T/hard.err" || { cat "$T/hard.err"; fail "no hard power-off"; }

log "ESXi: login, trust, names"
vmx0="vm --vmx=\"[LocalDS_0] $vm0/$vm0.vmx\""
PASSWORD_FILE=$VCSIM_WRONG_PASSWORD_FILE ks wrongpw --cacert="$VCSIM_CA" "$vmx0"
check_fails wrongpw auth "vSphere login refused: wrong user or password for 'root' \(InvalidLogin\)"
# A pin that does not match is kind other, as over https (agent/source/
# tls.c): the fix is not to trust what the server shows.
ks wrongpin --thumbprint="$VCSIM_WRONG_THUMBPRINT" "$vmx0"
check_fails wrongpin other "fingerprint $VCSIM_THUMBPRINT does not match the pinned --thumbprint"
ks nopin "" "$vmx0"
check_fails nopin trust-cert "certificate not trusted .*pin it with --thumbprint=$VCSIM_THUMBPRINT" "$VCSIM_THUMBPRINT"
ks novmx --cacert="$VCSIM_CA" 'vm --vmx="[LocalDS_0] nosuch/nosuch.vmx"'
check_fails novmx not-found "the API knows no VM \[LocalDS_0\] nosuch/nosuch.vmx"
ks novmxdc --cacert="$VCSIM_CA" "$vmx0 --datacenter=NODC"
check_fails novmxdc not-found "the API knows no VM .* in datacenter NODC"
# Names are resolved before the batch starts.
PASSWORD_FILE=$VCSIM_WRONG_PASSWORD_FILE ks invwrongpw --cacert="$VCSIM_CA" "vm --inventory=$vm0"
inventory_fails invwrongpw auth "vSphere login refused: wrong user or password for 'root'"
ks invwrongpin --thumbprint="$VCSIM_WRONG_THUMBPRINT" "vm --inventory=$vm0"
inventory_fails invwrongpin other "fingerprint $VCSIM_THUMBPRINT does not match the pinned --thumbprint"
ks novm --cacert="$VCSIM_CA" "vm --inventory=/$dc/vm/nosuch"
inventory_fails novm not-found "vm --inventory=/$dc/vm/nosuch: no such VM"
ks noname --cacert="$VCSIM_CA" "vm --inventory=nosuch"
inventory_fails noname not-found "vm --inventory=nosuch: no such VM"
ks nodc --cacert="$VCSIM_CA" "vm --inventory=/NODC/vm/$vm0"
inventory_fails nodc not-found "vm --inventory=/NODC/vm/$vm0: no such datacenter"
ks nofolder --cacert="$VCSIM_CA" "vm --inventory=/$dc/vm/nofolder/"
inventory_fails nofolder not-found "vm --inventory=/$dc/vm/nofolder/: no such folder"
[ "$(sessions_left)" = 0 ] || { govc session.ls; fail "ESXi: API sessions left open"; }
esx_password=$(head -1 "$VCSIM_PASSWORD_FILE")

log "vCenter: list-vms, a folder as a batch, names"
start_vcsim vcenter
dc=$VCSIM_DC
vcsim_set_power DC0_C0_RP0_VM1 suspended
ks list --cacert="$VCSIM_CA"
"$agent" list-vms -k "$T/list.ks" >"$T/list.txt" 2>"$T/list.err" ||
    { cat "$T/list.err"; fail "vCenter: list-vms failed"; }
for vm in "DC0_H0_VM0:powered on" "DC0_H0_VM1:powered on" "DC0_C0_RP0_VM0:powered on" DC0_C0_RP0_VM1:suspended; do
    list_has "vm --vmx=\"[LocalDS_0] ${vm%:*}/${vm%:*}.vmx\" --datacenter=DC0  # /DC0/vm/${vm%:*}, ${vm#*:}, ${vm%:*}, "
done
[ "$(wc -l <"$T/list.txt")" = 4 ] || { cat "$T/list.txt"; fail "vCenter: list-vms: not 4 VMs"; }
ks folder --cacert="$VCSIM_CA" "vm --inventory=/DC0/vm/"
r=0; "$agent" check -k "$T/folder.ks" --workdir "$T/wd" --machine-readable \
    >"$T/folder.json" 2>"$T/folder.err" || r=$?
[ $r = 1 ] || { cat "$T/folder.err"; fail "vCenter: the folder's check exited $r"; }
python3 - "$T/folder.json" <<'PY' || { cat "$T/folder.json"; fail "vCenter: the folder as a batch"; }
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
s = evs[-1]
assert s["event"] == "summary" and s["failed"] == 4 and s["converted"] == 0, s
errs = sorted(v["error"] for v in s["vms"])
assert sum("is powered on" in e for e in errs) == 3, errs
assert sum("is suspended" in e for e in errs) == 1, errs
PY
ks vcon --cacert="$VCSIM_CA" "vm --inventory=/DC0/vm/DC0_H0_VM0"
check_fails vcon other "is powered on \(vSphere API: /DC0/vm/DC0_H0_VM0 runtime.powerState = poweredOn\)"
PASSWORD_FILE=$VCSIM_WRONG_PASSWORD_FILE ks vcwrongpw --cacert="$VCSIM_CA" \
    'vm --vmx="[LocalDS_0] DC0_H0_VM0/DC0_H0_VM0.vmx"'
check_fails vcwrongpw auth "wrong user or password for 'administrator@vsphere.local' \(InvalidLogin\)"
ks vcnodc --cacert="$VCSIM_CA" "vm --inventory=/DC9/vm/DC0_H0_VM0"
inventory_fails vcnodc not-found "vm --inventory=/DC9/vm/DC0_H0_VM0: no such datacenter"
ks vcnovm --cacert="$VCSIM_CA" "vm --inventory=/DC0/vm/DC0_H0_VM9"
inventory_fails vcnovm not-found "vm --inventory=/DC0/vm/DC0_H0_VM9: no such VM"
[ "$(sessions_left)" = 0 ] || { govc session.ls; fail "vCenter: API sessions left open"; }

log "no password in any event or log"
for pw in "$esx_password" "$(head -1 "$VCSIM_PASSWORD_FILE")"; do
    ! grep -rlF -- "$pw" "$T"/*.json "$T"/*.err "$T"/*.txt || fail "a password was written out"
done
