#!/bin/bash
# libvirt destination over qemu+ssh: a real libvirtd with a directory
# pool, reached through a real sshd (host key verified).  Failures are
# found before any volume exists; the conversion streams raw sparse
# volumes into the pool and defines the domain with the source MAC and
# the mapped network; --verify-boot boots it once as a transient domain
# on an isolated network, behind an overlay volume, and finds it booted
# (NIC packets, login prompt, a PNG screenshot) without changing the
# volume or leaving anything; the pool's volume boots on virtio-blk.  A
# verification cancelled while its test domain boots leaves no domain,
# network or overlay, and keeps the converted VM.
source "$(dirname "$0")/../functions.sh"
requires which libvirtd virsh sshd nbdkit qemu-nbd qemu-system-x86_64 nginx

start_nginx
put_guest_on_datastore testvm
mac=00:50:56:aa:bb:03
put_vmx_on_datastore testvm "$mac"
start_kvm_host test
pool=$POOL
mkdir -p "$T/wd"
uri="qemu+ssh://root@127.0.0.1:$ROOT_SSH_PORT/system"
ks () {
    local name=$1 vm=$2; shift 2
    cat >"$T/$name.ks" <<KS
source --type=https --server=127.0.0.1:$NGINX_PORT --user=$USER \\
       --password-file=$PASSWORD_FILE --cacert=$CERT
vm --vmx="[datastore1] testvm/testvm.vmx" --name=$vm
destination --type=libvirt --uri=$uri --identity=$ROOT_SSH_KEY $*
network --map="VM Network=default"
KS
}
expect_fail () {
    local name=$1 pattern=$2 r=0
    "$agent" run -k "$T/$name.ks" --workdir "$T/wd" >"$T/err" 2>&1 || r=$?
    [ $r = 1 ] && grep -qE -- "$pattern" "$T/err" || { cat "$T/err"; fail "$name: exit $r"; }
    [ -z "$(virsh -q vol-list "$pool")" ] || fail "$name: a volume was left: $(virsh -q vol-list "$pool")"
    log "$name: $(grep error: "$T/err")"
}

: >"$T/empty_kh"
ks unknownkey lvvm --pool="$pool" --known-hosts="$T/empty_kh"
expect_fail unknownkey "destination: cannot connect to ${uri//+/\\+}: .*host key.*put it in the --known-hosts file"

ks nopool lvvm --pool=nosuch --known-hosts="$ROOT_KNOWN_HOSTS"
expect_fail nopool "has no storage pool 'nosuch'"

virsh -q define /dev/stdin >/dev/null <<XML
<domain type='kvm'><name>taken</name><memory unit='MiB'>64</memory>
<os><type arch='x86_64'>hvm</type></os></domain>
XML
cleanup_fn 'virsh -q undefine taken >/dev/null 2>&1'
ks taken taken --pool="$pool" --known-hosts="$ROOT_KNOWN_HOSTS"
expect_fail taken "a domain named 'taken' already exists on ${uri//+/\\+}"

mkdir -p "$T/small"
mount -t tmpfs -o size=20m tmpfs "$T/small"
cleanup_fn 'umount "$T/small"'
make_pool "$pool-small" "$T/small/pool"
ks small lvvm --pool="$pool-small" --known-hosts="$ROOT_KNOWN_HOSTS"
r=0; "$agent" run -k "$T/small.ks" --workdir "$T/wd" >"$T/err" 2>&1 || r=$?
[ $r = 1 ] && grep -q "not enough space in storage pool '$pool-small'" "$T/err" ||
    { cat "$T/err"; fail "small pool"; }
[ -z "$(virsh -q vol-list "$pool-small")" ] || fail "small pool: a volume was left"

log "conversion into the pool, verified by a transient domain on the KVM host"
ks good lvvm --pool="$pool" --known-hosts="$ROOT_KNOWN_HOSTS"
echo "options --verify-boot --verify-timeout=240" >>"$T/good.ks"
cleanup_fn 'virsh -q undefine lvvm >/dev/null 2>&1'
"$agent" run -k "$T/good.ks" --workdir "$T/wd" --machine-readable \
    >"$T/events.json" 2>"$T/run.log" &
pid=$!
# While the verification runs: the volume's checksum as it began, the
# test domain and its network as libvirt has them, the defined domain.
vol=$T/pool/lvvm-sda at_verify= seen=
while kill -0 $pid 2>/dev/null; do
    # (the checksum of 4 GiB takes a while: read beside the loop, which
    # must not miss the test domain; any write at all moves the mtime)
    if [ -z "$at_verify" ] && grep -q '"stage":"verify"' "$T/events.json"; then
        at_verify=$(stat -c %y "$vol")
        sha256sum <"$vol" >"$T/sum-at-verify" & sumpid=$!
    fi
    if [ -z "$seen" ] && virsh -q dumpxml v2vboot-verify-lvvm >"$T/test-dom.xml" 2>/dev/null; then
        seen=1
        virsh -q list --transient --name | grep -qx v2vboot-verify-lvvm ||
            fail "the test domain is not transient"
        [ "$(virsh -q domstate lvvm)" = "shut off" ] || fail "the defined domain was started"
        net=$(sed -n "s/.*<source network='\([^']*\)'.*/\1/p" "$T/test-dom.xml" | sort -u)
        case $net in v2vboot-verify-*) ;; *) fail "test NIC on network '$net'" ;; esac
        virsh -q net-dumpxml "$net" >"$T/test-net.xml"
        grep -qE '<forward|<ip' "$T/test-net.xml" && fail "the test network is not isolated: $(cat "$T/test-net.xml")"
        # (the converted volume shows only as the overlay's backing file)
        python3 - "$T/test-dom.xml" "$vol" <<'PY' || fail "the test domain's disk is not an overlay over the volume"
import sys, xml.etree.ElementTree as ET
disk = ET.parse(sys.argv[1]).find("devices/disk")
assert disk.find("source").get("file").endswith("/lvvm-sda-verify.qcow2"), ET.tostring(disk)
assert disk.find("backingStore/source").get("file") == sys.argv[2], ET.tostring(disk)
PY
        grep -q "<mac address='$mac'/>" "$T/test-dom.xml" || fail "the test domain lost the MAC"
    fi
    sleep 0.5
done
wait $pid || { tail -20 "$T/run.log"; fail "run failed"; }
[ -n "$at_verify" ] && [ -n "$seen" ] ||
    { grep verify "$T/events.json" | tail -3; fail "verify stage seen: '$at_verify'; test domain seen: '$seen'"; }
wait $sumpid
[ "$(stat -c %y "$vol")" = "$at_verify" ] || fail "the verification wrote to the converted volume"
[ "$(sha256sum <"$vol")" = "$(cat "$T/sum-at-verify")" ] || fail "the verification changed the converted volume"
cat "$T/run.log" "$T/events.json" >"$T/all.log"
grep -qF "start it with: virsh -c $uri start lvvm" "$T/all.log" || fail "summary"
grep -q 'lvvm-sda: [0-9]* MiB of data sent over libvirt' "$T/all.log" || fail "no upload report"
python3 - "$T/events.json" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
done = [e for e in evs if e["event"] == "done"][-1]
assert done["ok"] is True and done["booted"] is True, done
v = done["verify"]
assert v.startswith("booted in ") and "login prompt on ttyS0" in v, v
assert int(v.split("NIC sent ")[1].split()[0]) > 0, v
print("verify:", v)
PY
shot=$(python3 -c 'import json,sys; print([e for e in map(json.loads, open(sys.argv[1])) if e["event"] == "done"][-1]["screenshot"])' "$T/events.json")
file "$shot" | grep -q 'PNG image data' || fail "no PNG screenshot at $shot"
rm -f "$shot"
virsh -q list --all --name | grep -q v2vboot-verify-lvvm && fail "the test domain was left"
virsh -q net-info "$net" >/dev/null 2>&1 && fail "the test network $net was left"
virsh -q vol-list "$pool" | grep -q verify && fail "an overlay volume was left: $(virsh -q vol-list "$pool")"
virsh -q dumpxml lvvm >"$T/dom.xml" || fail "domain not defined"
grep -q "<mac address='$mac'/>" "$T/dom.xml" || fail "MAC"
grep -q "<source network='default'/>" "$T/dom.xml" || fail "network mapping"
[ "$(virsh vol-path lvvm-sda --pool "$pool")" = "$vol" ] || fail "volume path"
grep -q "$vol" "$T/dom.xml" || fail "the domain does not use the pool's volume"
alloc=$(( $(stat -c %b "$vol") * 512 ))
[ "$alloc" -lt $((1024 * 1024 * 1024)) ] || fail "the volume is not sparse ($alloc bytes allocated)"
BOOT_MAC=$mac boot_disk "$vol" raw "$T/boot.log" || { tail -20 "$T/boot.log"; fail "the pool's volume does not boot"; }

log "a verification cancelled while its test domain boots"
ks cancel lvcancel --pool="$pool" --known-hosts="$ROOT_KNOWN_HOSTS"
nets_before=$(virsh -q net-list --all --name | sort)
echo "options --verify-boot --verify-timeout=600" >>"$T/cancel.ks"
V2VBOOT_TEST_SKIP_CONVERT=1 "$agent" run -k "$T/cancel.ks" --workdir "$T/wd" \
    --machine-readable >"$T/events2.json" 2>"$T/run2.log" &
pid=$!
cleanup_fn 'virsh -q undefine lvcancel >/dev/null 2>&1'
for (( i=0; i<1200; i++ )); do
    virsh -q domstate v2vboot-verify-lvcancel >/dev/null 2>&1 && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.5
done
virsh -q domstate v2vboot-verify-lvcancel >/dev/null 2>&1 ||
    { tail "$T/run2.log"; fail "the test domain never ran (test is blind)"; }
sleep 3
kill -TERM $pid
r=0; wait $pid || r=$?
[ $r = 1 ] || { tail "$T/run2.log"; fail "exit $r after SIGTERM, want 1"; }
grep -q '"stage":"verify".*cancelled' "$T/events2.json" || { tail -3 "$T/events2.json"; fail "no cancelled error of stage verify"; }
virsh -q list --all --name | grep -q v2vboot-verify-lvcancel && fail "the test domain was left"
[ "$(virsh -q net-list --all --name | sort)" = "$nets_before" ] || fail "the test network was left"
virsh -q vol-list "$pool" | grep -q verify && fail "an overlay volume was left: $(virsh -q vol-list "$pool")"
[ "$(virsh -q domstate lvcancel)" = "shut off" ] || fail "the converted VM was removed or started"
virsh -q vol-list "$pool" | grep -q lvcancel-sda || fail "the converted volume was removed"
[ -z "$(ls -A "$T/wd")" ] || fail "work directory left: $(ls -A "$T/wd")"
