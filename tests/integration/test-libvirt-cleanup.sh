#!/bin/bash
# A failed clean-up is not silent: the SSH connection to the KVM host
# drops mid-copy (its sshd and the session killed), the volume being
# written cannot be deleted, and the error, at the default verbosity,
# names the volume and says how to delete it; the done event says it too.
# (The run's claim on the name stays, so that the next run deletes the
# volume: test-libvirt-names.sh.)
source "$(dirname "$0")/../functions.sh"
requires which libvirtd virsh sshd nbdkit qemu-nbd qemu-system-x86_64 nginx

NGINX_LIMIT_RATE=8m start_nginx
put_guest_on_datastore testvm
start_kvm_host cleanup
cleanup_fn 'virsh -q undefine dropped.v2vboot-claim >/dev/null 2>&1'
mkdir -p "$T/wd"
uri="qemu+ssh://root@127.0.0.1:$ROOT_SSH_PORT/system"
cat >"$T/ks" <<KS
source --type=https --server=127.0.0.1:$NGINX_PORT --user=$USER \\
       --password-file=$PASSWORD_FILE --cacert=$CERT
disk --path="[datastore1] testvm/testvm-flat.vmdk"
vm --name=dropped --memory=1024
destination --type=libvirt --uri=$uri --identity=$ROOT_SSH_KEY --pool=$POOL --known-hosts=$ROOT_KNOWN_HOSTS
options --keep-vmware-tools --no-fstrim
KS
"$agent" run -k "$T/ks" --workdir "$T/wd" --machine-readable >"$T/out" 2>"$T/err" &
pid=$!
for i in $(seq 3000); do
    virsh -q vol-list "$POOL" | grep -q dropped-sda && break
    kill -0 $pid 2>/dev/null || { cat "$T/err"; fail "the run ended before the copy"; }
    sleep 0.2
done
# The connection drops: the sshd and its sessions (all started by this test).
sshd=$(cat "$T/rootssh/sshd.pid")
kill -9 $(pgrep -P "$sshd") "$sshd"
r=0; wait $pid || r=$?
log "exit $r: $(tail -1 "$T/err")"
[ $r = 1 ] || { cat "$T/err"; fail "exit $r, want 1"; }
virsh -q vol-list "$POOL" | grep -q dropped-sda || fail "the volume was deleted after all (the test did not drop the connection)"
grep -qF "left behind: volume dropped-sda in storage pool '$POOL' on $uri (delete it with: virsh -c $uri vol-delete --pool $POOL dropped-sda)" "$T/err" ||
    { cat "$T/err"; fail "the error does not name the volume left"; }
grep '"event":"done"' "$T/out" | grep -qF "left behind: volume dropped-sda" ||
    { grep '"event":"done"' "$T/out"; fail "the done event does not name the volume left"; }
