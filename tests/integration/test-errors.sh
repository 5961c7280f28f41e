#!/bin/bash
# Every bad input fails early with a message that says what to fix, the
# documented exit code, an empty destination and no work files left.
source "$(dirname "$0")/../functions.sh"
requires which nbdkit nginx

start_nginx
put_guest_on_datastore testvm
dest=$T/out; mkdir -p "$dest" "$T/wd"

# expect_fail NAME EXIT PATTERN KICKSTART [DEST]
expect_fail () {
    local name=$1 want=$2 pattern=$3 ks=$4 d=${5:-$dest} r=0 start=$SECONDS
    "$agent" run --kickstart "$ks" --workdir "$T/wd" >"$T/out.txt" 2>&1 || r=$?
    [ "$r" = "$want" ] || { cat "$T/out.txt"; fail "$name: exit $r, want $want"; }
    grep -qE -- "$pattern" "$T/out.txt" ||
        { cat "$T/out.txt"; fail "$name: message does not match /$pattern/"; }
    [ -z "$(ls -A "$d")" ] || fail "$name: destination not empty: $(ls -A "$d")"
    [ -z "$(ls -A "$T/wd")" ] || fail "$name: work directory left: $(ls -A "$T/wd")"
    grep -qF -- "$(cat "$PASSWORD_FILE")" "$T/out.txt" && fail "$name: password in message"
    log "$name: ok in $((SECONDS - start)) s: $(grep error: "$T/out.txt" | head -1)"
}

write_ks "$T/wrong-pw.ks" testvm "$dest" --cacert="$CERT"
sed -i "s|--password-file=[^ ]*|--password-file=$WRONG_PASSWORD_FILE|" "$T/wrong-pw.ks"
expect_fail "wrong password" 1 "wrong user or password for 'root' \(HTTP 401\)" "$T/wrong-pw.ks"

write_ks "$T/untrusted.ks" testvm "$dest"
expect_fail "untrusted certificate" 1 "certificate not trusted \(SHA-256 fingerprint $FINGERPRINT\).*--thumbprint=$FINGERPRINT" "$T/untrusted.ks"

write_ks "$T/pin-mismatch.ks" testvm "$dest" --thumbprint="$WRONG_FINGERPRINT"
expect_fail "pinned fingerprint mismatch" 1 "fingerprint $FINGERPRINT does not match the pinned --thumbprint" "$T/pin-mismatch.ks"

write_ks "$T/sha1.ks" testvm "$dest" --thumbprint=AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD
expect_fail "SHA-1 thumbprint" 1 "looks like a SHA-1 fingerprint" "$T/sha1.ks"

write_ks "$T/missing.ks" testvm "$dest" --cacert="$CERT"
sed -i 's|testvm/testvm-flat.vmdk|testvm/nosuch-flat.vmdk|' "$T/missing.ks"
expect_fail "missing path" 1 "no such file on datastore: \[datastore1\] testvm/nosuch-flat.vmdk \(HTTP 404\)" "$T/missing.ks"

write_ks "$T/wrong-ds.ks" testvm "$dest" --cacert="$CERT"
sed -i 's|\[datastore1\]|[datastore2]|' "$T/wrong-ds.ks"
expect_fail "wrong datastore" 1 "no such file on datastore" "$T/wrong-ds.ks"

write_ks "$T/refused.ks" testvm "$dest" --cacert="$CERT"
sed -i "s|127.0.0.1:$NGINX_PORT|127.0.0.1:$(free_port)|" "$T/refused.ks"
expect_fail "server not listening" 1 "cannot connect .*is the server up and listening" "$T/refused.ks"

# Tests run as root (CI too): a bind mount that cannot be made is a broken
# machine, not a reason to skip the cases below.
mkdir -p "$T/ro"
mount --bind "$T/ro" "$T/ro" 2>"$T/mount.err" ||
    fail "cannot bind-mount $T/ro for the read-only destination: $(cat "$T/mount.err")"
cleanup_fn 'umount "$T/ro"'
mount -o remount,ro,bind "$T/ro" 2>"$T/mount.err" ||
    fail "cannot make the bind mount $T/ro read-only: $(cat "$T/mount.err")"
write_ks "$T/ro.ks" testvm "$T/ro" --cacert="$CERT"
expect_fail "destination not writable" 1 "cannot write in the destination directory .*Read-only file system" "$T/ro.ks" "$T/ro"

write_ks "$T/nodir.ks" testvm "$T/nonexistent" --cacert="$CERT"
r=0; "$agent" run --kickstart "$T/nodir.ks" --workdir "$T/wd" >"$T/out.txt" 2>&1 || r=$?
[ $r = 1 ] && grep -q "destination directory $T/nonexistent: No such file" "$T/out.txt" ||
    { cat "$T/out.txt"; fail "missing destination directory"; }

mkdir -p "$T/small"
mount -t tmpfs -o size=20m tmpfs "$T/small"
cleanup_fn 'umount "$T/small"'
write_ks "$T/small.ks" testvm "$T/small" --cacert="$CERT"
# (19 MiB: the run's claim on the name holds a block of the 20 by then.)
expect_fail "destination too small" 1 "not enough space in $T/small: (19|20) MiB free, the VM needs [0-9]+ MiB" "$T/small.ks" "$T/small"

printf 'source --type=https --server=127.0.0.1 --usr=root\n' >"$T/bad.ks"
expect_fail "malformed kickstart" 2 "$T/bad.ks:1:40: source: unknown option --usr \(did you mean --user\?\)" "$T/bad.ks"

write_ks "$T/exists.ks" testvm "$dest" --cacert="$CERT"
touch "$dest/testvm-kvm.xml"
r=0; "$agent" run --kickstart "$T/exists.ks" --workdir "$T/wd" >"$T/out.txt" 2>&1 || r=$?
[ $r = 1 ] && grep -q "testvm-kvm.xml already exists" "$T/out.txt" || fail "existing output not refused"
[ "$(ls -A "$dest")" = testvm-kvm.xml ] || fail "existing output touched"
rm "$dest/testvm-kvm.xml"
