#!/bin/bash
# SSH source: the host key is checked against --known-hosts (unknown or
# changed keys fail with the key's SHA256 fingerprint), logins by key and
# by password (from a file, never in argv), .vmx discovery over SFTP, and
# a conversion that boots.  Every failure happens before any overlay.
source "$(dirname "$0")/../functions.sh"
requires which sshd nbdkit qemu-img qemu-system-x86_64 nginx

start_nginx
put_guest_on_datastore testvm
mac=00:50:56:aa:bb:01
put_vmx_on_datastore testvm "$mac"
start_sshd
host_fp_re=$(re_quote "$HOST_FP")
dest=$T/out; mkdir -p "$dest" "$T/wd"
# ks NAME SOURCE-OPTIONS...: an ssh kickstart for the .vmx.
ks () {
    local name=$1; shift
    cat >"$T/$name.ks" <<KS
source --type=ssh --server=127.0.0.1:$SSH_PORT --user=$SSH_USER $*
vm --vmx="[datastore1] testvm/testvm.vmx" --name=sshvm
destination --type=local --dir=$dest
KS
}
expect_fail () {
    local name=$1 pattern=$2 r=0
    "$agent" run -k "$T/$name.ks" --workdir "$T/wd" >"$T/err" 2>&1 || r=$?
    [ $r = 1 ] && grep -qE -- "$pattern" "$T/err" || { cat "$T/err"; fail "$name: exit $r"; }
    [ -z "$(ls -A "$dest")$(ls -A "$T/wd")" ] || fail "$name: something was written"
    log "$name: $(grep error: "$T/err")"
}

: >"$T/empty_known_hosts"
ks unknown --identity="$SSH_KEY" --known-hosts="$T/empty_known_hosts"
expect_fail unknown "unknown host key $host_fp_re: check it on the host"

ssh-keygen -q -t ed25519 -N '' -f "$T/other"
printf '[127.0.0.1]:%s %s\n' "$SSH_PORT" "$(cut -d' ' -f1-2 "$T/other.pub")" >"$T/wrong_known_hosts"
ks changed --identity="$SSH_KEY" --known-hosts="$T/wrong_known_hosts"
expect_fail changed "the host key \($host_fp_re\) does NOT match"

ks wrongkey --identity="$T/other" --known-hosts="$KNOWN_HOSTS"
expect_fail wrongkey "login as '$SSH_USER' refused: wrong key"

echo nope >"$T/badpw"; chmod 600 "$T/badpw"
ks wrongpw --password-file="$T/badpw" --known-hosts="$KNOWN_HOSTS"
expect_fail wrongpw "login as '$SSH_USER' refused: wrong user or password"

ks missing --identity="$SSH_KEY" --known-hosts="$KNOWN_HOSTS"
sed -i 's|testvm/testvm.vmx|testvm/nosuch.vmx|' "$T/missing.ks"
expect_fail missing "no such file on datastore: \[datastore1\] testvm/nosuch.vmx \(/vmfs/volumes/datastore1/testvm/nosuch.vmx\)"

ks refused --identity="$SSH_KEY" --known-hosts="$KNOWN_HOSTS"
sed -i "s|127.0.0.1:$SSH_PORT|127.0.0.1:$(free_port)|" "$T/refused.ks"
expect_fail refused "cannot connect: .*is sshd up and listening"

log "password login: every check, conversion in the overlay (check mode)"
ks pw --password-file="$SSH_PASSWORD_FILE" --known-hosts="$KNOWN_HOSTS"
"$agent" check -k "$T/pw.ks" --workdir "$T/wd" 2>"$T/pw.log" || { tail "$T/pw.log"; fail "password check"; }
grep -q 'all checks passed: sshvm' "$T/pw.log" || fail "check summary"

log "key login: conversion, boot"
ks key --identity="$SSH_KEY" --known-hosts="$KNOWN_HOSTS"
before=$(sha256sum <"$DATASTORE/testvm/testvm-flat.vmdk")
"$agent" run -k "$T/key.ks" --workdir "$T/wd" 2>"$T/key.log" &
pid=$!
while kill -0 $pid 2>/dev/null; do ps -eo args >>"$T/ps.log"; sleep 0.5; done
wait $pid || { tail "$T/key.log"; fail "key conversion"; }
grep -qF -- "$(cat "$SSH_PASSWORD_FILE")" "$T/ps.log" "$T/pw.log" "$T/key.log" && fail "password leaked"
grep -q 'nbdkit.*nbdkit-v2vsftp-plugin.so .*host=127.0.0.1' "$T/ps.log" || fail "ps sampling did not see nbdkit v2vsftp (blind)"
[ "$(sha256sum <"$DATASTORE/testvm/testvm-flat.vmdk")" = "$before" ] || fail "source changed"
grep -q "<mac address='$mac'/>" "$dest/sshvm.xml" || fail "MAC from the .vmx over SFTP"
BOOT_MAC=$mac boot_disk "$dest/sshvm-sda.qcow2" qcow2 "$T/boot.log" ||
    { tail -20 "$T/boot.log"; fail "did not boot"; }
