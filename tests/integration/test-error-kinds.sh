#!/bin/bash
# The source's errors carry a kind and a detail the wizard acts on
# without reading the message (v2v_last_error_kind and
# v2v_last_error_detail): an untrusted certificate with its fingerprint,
# an unknown host key with its SHA256 fingerprint, a refused login, a
# missing datacenter.  tests/unit/test-source-errors.c does the checks,
# here against nginx and sshd.
source "$(dirname "$0")/../functions.sh"
requires which nginx /usr/sbin/sshd

bin=$top/build/tests/test-source-errors
make --no-print-directory -s -C "$top" build/tests/test-source-errors >&2 ||
    fail "cannot build $bin"

start_nginx
start_sshd
echo not-the-password >"$T/wrong-ssh-password"

log "https"
"$bin" https "127.0.0.1:$NGINX_PORT" "$FINGERPRINT" "$USER" \
    "$PASSWORD_FILE" "$WRONG_PASSWORD_FILE" || fail "https error kinds"

log "ssh"
"$bin" ssh "127.0.0.1:$SSH_PORT" "$SSH_USER" "$SSH_PASSWORD_FILE" \
    "$T/wrong-ssh-password" "$KNOWN_HOSTS" "$HOST_FP" || fail "ssh error kinds"
