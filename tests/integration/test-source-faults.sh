#!/bin/bash
# The HTTPS source goes away during the copy.  Restarted within the retry
# window (the v2vhttps plugin retries a read: 5 tries, 2 s apart), the copy
# resumes and the guest boots.  Gone for good, the run fails with the
# reason: into a directory, the directory holds nothing; into a libvirt
# pool, the pool holds no new volume and no domain is defined.
source "$(dirname "$0")/../functions.sh"
requires which nbdkit qemu-img qemu-nbd qemu-system-x86_64 nginx libvirtd sshd

NGINX_LIMIT_RATE=6m start_nginx
put_guest_on_datastore testvm
mkdir -p "$T/wd"

# run_until_copy NAME [DESTINATION-LINE]: start a conversion, return once
# it is copying.
run_until_copy () {
    mkdir -p "$T/$1"
    write_ks "$T/$1.ks" testvm "$T/$1" --cacert="$CERT"
    [ -z "${2:-}" ] || sed -i "s|^destination .*|$2|" "$T/$1.ks"
    "$agent" run -k "$T/$1.ks" --workdir "$T/wd" --machine-readable \
        >"$T/$1.json" 2>"$T/$1.log" &
    pid=$!
    wait_for_copy "$T/$1.json" $pid && return 0
    tail "$T/$1.log"; fail "$1: the copy never started"
}

log "source restarted during the copy"
run_until_copy restart
stop_nginx
sleep 3
restart_nginx
wait $pid || { tail "$T/restart.log"; fail "the run did not survive a source restart"; }
grep -q '"event":"done","ok":true' "$T/restart.json" || fail "not done"
BOOT_MAC=$(grep -o "mac address='[^']*'" "$T/restart/testvm-kvm.xml" | cut -d"'" -f2)
boot_disk "$T/restart/testvm-kvm-sda.qcow2" qcow2 "$T/boot.log" ||
    { tail -20 "$T/boot.log"; fail "the copy made across a restart does not boot"; }

log "source gone for good during the copy"
run_until_copy gone
stop_nginx
r=0; wait $pid || r=$?
[ $r = 1 ] || { tail "$T/gone.log"; fail "exit $r, want 1"; }
grep -q 'error: copy: copy of \[datastore1\] testvm/testvm-flat.vmdk failed' "$T/gone.log" ||
    { tail "$T/gone.log"; fail "no clear reason"; }
[ -z "$(ls -A "$T/gone")" ] || fail "destination not empty: $(ls -A "$T/gone")"
[ -z "$(ls -A "$T/wd")" ] || fail "work directory left"

log "source gone for good during the upload into a libvirt pool"
restart_nginx
start_libvirtd
export LIBVIRT_DEFAULT_URI=qemu:///system
pool=v2vboot-faults-$$
make_pool "$pool" "$T/pool"
start_root_sshd
run_until_copy pool "destination --type=libvirt --uri=qemu+ssh://root@127.0.0.1:$ROOT_SSH_PORT/system --pool=$pool --identity=$ROOT_SSH_KEY --known-hosts=$ROOT_KNOWN_HOSTS"
[ -n "$(virsh -q vol-list "$pool")" ] || fail "the upload had not created its volume (test is blind)"
stop_nginx
r=0; wait $pid || r=$?
[ $r = 1 ] || { tail "$T/pool.log"; fail "pool: exit $r, want 1"; }
[ -z "$(virsh -q vol-list "$pool")" ] || fail "the pool holds a new volume: $(virsh -q vol-list "$pool")"
virsh -q dominfo testvm-kvm >/dev/null 2>&1 && fail "a domain was defined"
:
