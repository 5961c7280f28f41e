#!/bin/bash
# The destination fills up during the copy (something else writes there
# after the exact size check passed): the run fails with the reason, and
# leaves none of its files.
source "$(dirname "$0")/../functions.sh"
requires which nbdkit qemu-img nginx fallocate

NGINX_LIMIT_RATE=6m start_nginx
put_guest_on_datastore testvm
dest=$T/full; mkdir -p "$dest" "$T/wd"
mount -t tmpfs -o size=900m tmpfs "$dest"
cleanup_fn 'umount "$dest"'
write_ks "$T/ks" testvm "$dest" --cacert="$CERT"
"$agent" run -k "$T/ks" --workdir "$T/wd" --machine-readable >"$T/events.json" 2>"$T/run.log" &
pid=$!
wait_for_copy "$T/events.json" $pid || :
ls -A "$dest" | grep -q '\.part$' || { tail "$T/run.log"; fail "the copy never started (test is blind)"; }
# Another writer takes what is left.
free=$(( $(stat -f -c '%a*%S' "$dest") ))
fallocate -l $((free - 4096)) "$dest/other-vm.img" 2>/dev/null || dd if=/dev/zero of="$dest/other-vm.img" bs=1M 2>/dev/null || :
r=0; wait $pid || r=$?
[ $r = 1 ] || { tail "$T/run.log"; fail "exit $r, want 1"; }
grep -q 'error: copy: copy of \[datastore1\] testvm/testvm-flat.vmdk failed: .*No space left on device' "$T/run.log" ||
    { tail "$T/run.log"; fail "the reason is not given"; }
[ "$(ls -A "$dest")" = other-vm.img ] || fail "files left: $(ls -A "$dest")"
[ -z "$(ls -A "$T/wd")" ] || fail "work directory left"
