#!/bin/bash
# A pinned (or CA-trusted) certificate with an RSA-1024 key, as VMware's
# simulator vcsim ships, is refused with an error that says the key is
# too weak (1024-bit RSA), what this system's OpenSSL wants and what to
# do; not "does not verify for this host name".  For the source and for
# an https kickstart.
source "$(dirname "$0")/../functions.sh"
requires which nginx openssl

start_nginx
stop_nginx
# The same server with a 1024-bit key; nginx needs security level 0 to
# load it at all.
openssl req -x509 -newkey rsa:1024 -nodes -days 2 -subj /CN=localhost \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$NGINX_DIR/key.pem" -out "$CERT" 2>/dev/null
FINGERPRINT=$(openssl x509 -in "$CERT" -noout -fingerprint -sha256 | cut -d= -f2)
sed -i "s|^\( *\)ssl_certificate $CERT;|\1ssl_ciphers DEFAULT@SECLEVEL=0;\n&|" "$NGINX_DIR/nginx.conf"
restart_nginx
openssl x509 -in "$CERT" -noout -text | grep -q 'Public-Key: (1024 bit)' || fail "not a 1024-bit key"

dest=$T/out; mkdir -p "$dest" "$T/wd"
mkdir -p "$DATASTORE/testvm"
truncate -s 64M "$DATASTORE/testvm/testvm-flat.vmdk"
weak="its key is too weak: a 1024-bit RSA key (80 bits of security), and this system's OpenSSL (security level 2) accepts no key under 112 bits of security"

expect_weak () {   # expect_weak NAME PATTERN OUTPUT
    grep -qF -- "$2" "$3" || { cat "$3"; fail "$1: no '$2'"; }
    grep -q "2048-bit RSA key" "$3" || { cat "$3"; fail "$1: no advice"; }
    grep -q "only --insecure gets past it" "$3" || { cat "$3"; fail "$1: --insecure not said"; }
    grep -q "host name" "$3" && { cat "$3"; fail "$1: blames the host name"; }
    [ -z "$(ls -A "$dest")" ] || fail "$1: destination not empty"
    return 0
}

log "source, pinned"
write_ks "$T/pin.ks" testvm "$dest" --thumbprint="$FINGERPRINT"
! "$agent" check -k "$T/pin.ks" --workdir "$T/wd" >"$T/pin.out" 2>&1 || fail "pinned weak key accepted"
expect_weak pinned "the pinned certificate (SHA-256 fingerprint $FINGERPRINT) matches, but $weak" "$T/pin.out"

log "source, --cacert"
write_ks "$T/ca.ks" testvm "$dest" --cacert="$CERT"
! "$agent" check -k "$T/ca.ks" --workdir "$T/wd" >"$T/ca.out" 2>&1 || fail "weak key accepted with --cacert"
expect_weak cacert "the server's certificate (SHA-256 fingerprint $FINGERPRINT) does not verify: $weak" "$T/ca.out"

log "an https kickstart, pinned"
cp "$T/pin.ks" "$DATASTORE/pin.ks"
! "$agent" dump-config -k "https://127.0.0.1:$NGINX_PORT/open/pin.ks" \
    --thumbprint "$FINGERPRINT" >"$T/ks.out" 2>&1 || fail "kickstart fetched"
expect_weak kickstart "the pinned certificate (SHA-256 fingerprint $FINGERPRINT) matches, but $weak" "$T/ks.out"
grep -q retrying "$T/ks.out" && fail "a weak key was retried"
exit 0
