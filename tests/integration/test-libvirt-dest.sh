#!/bin/bash
# libvirt destination over qemu+ssh: a real libvirtd with a directory
# pool, reached through a real sshd (host key verified).  Failures are
# found before any volume exists; the conversion streams raw sparse
# volumes into the pool and defines the domain with the source MAC and
# the mapped network; the pool's volume boots on virtio-blk.
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

log "conversion into the pool"
ks good lvvm --pool="$pool" --known-hosts="$ROOT_KNOWN_HOSTS"
"$agent" run -k "$T/good.ks" --workdir "$T/wd" 2>"$T/run.log" || { tail "$T/run.log"; fail "run failed"; }
grep -qF "start it with: virsh -c $uri start lvvm" "$T/run.log" || fail "summary"
grep -q 'lvvm-sda: [0-9]* MiB of data sent over libvirt' "$T/run.log" || fail "no upload report"
virsh -q dumpxml lvvm >"$T/dom.xml" || fail "domain not defined"
grep -q "<mac address='$mac'/>" "$T/dom.xml" || fail "MAC"
grep -q "<source network='default'/>" "$T/dom.xml" || fail "network mapping"
cleanup_fn 'virsh -q undefine lvvm >/dev/null 2>&1'
vol=$(virsh vol-path lvvm-sda --pool "$pool")
grep -q "$vol" "$T/dom.xml" || fail "the domain does not use the pool's volume"
alloc=$(( $(stat -c %b "$vol") * 512 ))
[ "$alloc" -lt $((1024 * 1024 * 1024)) ] || fail "the volume is not sparse ($alloc bytes allocated)"
BOOT_MAC=$mac boot_disk "$vol" raw "$T/boot.log" || { tail -20 "$T/boot.log"; fail "the pool's volume does not boot"; }
