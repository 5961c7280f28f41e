#!/bin/bash
# The parallel source plugins (plugin/, docs/data-path.md), without
# libguestfs: a disk of random bytes (its size not a multiple of any
# request) read whole through nbdkit-v2vhttps-plugin from nginx and
# through nbdkit-v2vsftp-plugin from sshd, by nbdcopy with 16 requests in
# flight, with connections=4 and with connections=1 (and sftp with a
# password login).  Each copy must have
# the file's sha256; over HTTPS nginx must have served exactly the disk's
# size (nothing read ahead or twice) on more than one and at most 4
# connections at once.  Then the faults: a disk that shrank after the
# plugin started (a short read: the copy fails), a CA that did not sign
# the server's certificate, a redirect to http://, and an SSH host key
# not in known-hosts (each refused before serving).
source "$(dirname "$0")/../functions.sh"
requires which nbdkit nbdcopy nginx sshd

https=$top/build/nbdkit-v2vhttps-plugin.so
sftp=$top/build/nbdkit-v2vsftp-plugin.so
[ -f "$https" ] && [ -f "$sftp" ] || fail "make programs builds the plugins"

start_nginx
# The connection's serial number in each access log line, before the
# byte count (nginx_bytes reads the last field).
sed -i "s/\\\$status \\\$body_bytes_sent'/\$status c\$connection \$body_bytes_sent'/" "$NGINX_DIR/nginx.conf"
grep -q 'c$connection' "$NGINX_DIR/nginx.conf" || fail "cannot log nginx's connections (test is blind)"
# A disk that redirects to http:// (the plugin must refuse it).
sed -i "s|^        location /open/ {|        location = /down.img { return 302 http://127.0.0.1:$NGINX_PORT/x.img; }\n&|" "$NGINX_DIR/nginx.conf"
grep -q 'location = /down.img' "$NGINX_DIR/nginx.conf" || fail "cannot add the redirect (test is blind)"
nginx -s reload -c "$NGINX_DIR/nginx.conf" -p "$NGINX_DIR"; sleep 0.5
start_sshd
mkdir -p "$DATASTORE/pvm"
disk=$DATASTORE/pvm/pvm-flat.vmdk
size=$(( 40 * 1048576 + 12345 ))
head -c "$size" /dev/urandom >"$disk"
want=$(sha256sum <"$disk" | cut -d' ' -f1)
url="https://127.0.0.1:$NGINX_PORT/folder/pvm/pvm-flat.vmdk?dcPath=ha-datacenter&dsName=datastore1"

# copy_through OUT PLUGIN ARGS...: the disk, read by nbdcopy, into OUT.
copy_through () {
    local out=$1; shift
    rm -f "$out"
    nbdcopy --requests=16 -- [ nbdkit -r "$@" retries=0 retry-delay=0 ] "$out"
}
https_args=("$https" url="$url" user="$USER" password=+"$PASSWORD_FILE" cainfo="$CERT")
sftp_args=("$sftp" host=127.0.0.1 port="$SSH_PORT" user="$SSH_USER" identity="$SSH_KEY"
           known-hosts="$KNOWN_HOSTS" path=/vmfs/volumes/datastore1/pvm/pvm-flat.vmdk)

for n in 4 1; do
    : >"$NGINX_DIR/access.log"
    copy_through "$T/https-$n.raw" "${https_args[@]}" connections=$n ||
        fail "https, connections=$n: the copy failed"
    got=$(sha256sum <"$T/https-$n.raw" | cut -d' ' -f1)
    [ "$got" = "$want" ] || fail "https, connections=$n: sha256 $got, the disk's is $want"
    served=$(nginx_bytes 'GET /folder/pvm')
    [ "$served" = "$size" ] || fail "https, connections=$n: nginx served $served bytes for a disk of $size"
    conns=$(grep -o ' c[0-9]* ' "$NGINX_DIR/access.log" | sort -u | wc -l)
    # One more for the HEAD that learns the size.
    if [ "$n" = 4 ]; then
        [ "$conns" -gt 2 ] && [ "$conns" -le 5 ] ||
            fail "https, connections=4: nginx saw $conns connections"
    else
        [ "$conns" -le 2 ] || fail "https, connections=1: nginx saw $conns connections"
    fi
    copy_through "$T/sftp-$n.raw" "${sftp_args[@]}" connections=$n ||
        fail "sftp, connections=$n: the copy failed"
    got=$(sha256sum <"$T/sftp-$n.raw" | cut -d' ' -f1)
    [ "$got" = "$want" ] || fail "sftp, connections=$n: sha256 $got, the disk's is $want"
    log "connections=$n: https and sftp copies match the disk ($conns HTTPS connections)"
done

log "sftp with a password login (password=+FILE)"
copy_through "$T/sftp-pw.raw" "$sftp" host=127.0.0.1 port="$SSH_PORT" user="$SSH_USER" \
    password=+"$SSH_PASSWORD_FILE" known-hosts="$KNOWN_HOSTS" \
    path=/vmfs/volumes/datastore1/pvm/pvm-flat.vmdk connections=2 ||
    fail "sftp, password login: the copy failed"
[ "$(sha256sum <"$T/sftp-pw.raw" | cut -d' ' -f1)" = "$want" ] || fail "sftp, password login: wrong bytes"

log "a CA that did not sign the server's certificate is refused"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=other \
    -keyout "$T/other.key" -out "$T/other.pem" 2>/dev/null
if copy_through "$T/x.raw" "$https" url="$url" user="$USER" password=+"$PASSWORD_FILE" \
        cainfo="$T/other.pem" 2>"$T/ca.err"; then
    fail "https with the wrong CA served the disk"
fi
grep -qi 'certificate' "$T/ca.err" || { cat "$T/ca.err"; fail "no certificate error"; }

log "a redirect to http:// is refused"
if copy_through "$T/x.raw" "$https" url="https://127.0.0.1:$NGINX_PORT/down.img" cainfo="$CERT" 2>"$T/down.err"; then
    fail "https redirected to http:// served a disk"
fi
grep -qi 'protocol.*http.*\(not supported\|disabled\)' "$T/down.err" || { cat "$T/down.err"; fail "no refusal of http"; }

log "an SSH host key not in known-hosts is refused"
: >"$T/empty-known-hosts"
if copy_through "$T/x.raw" "${sftp_args[@]}" known-hosts="$T/empty-known-hosts" 2>"$T/kh.err"; then
    fail "sftp with an unknown host key served the disk"
fi
grep -q 'host key is not found' "$T/kh.err" || { cat "$T/kh.err"; fail "no host key error"; }

log "the disk shrinks under the plugins: the copies fail, nothing short is passed on"
for p in https sftp; do
    head -c "$size" /dev/urandom >"$disk"
    declare -n args=${p}_args
    rm -f "$T/$p.sock"
    nbdkit -f -r -U "$T/$p.sock" "${args[@]}" retries=1 retry-delay=0 \
        2>"$T/plugin-$p.log" &
    echo $! >"$T/$p.pid"
    for i in $(seq 100); do [ -S "$T/$p.sock" ] && break; sleep 0.1; done
    truncate -s $(( size / 2 )) "$disk"
    if nbdcopy --requests=16 "nbd+unix:///?socket=$T/$p.sock" "$T/short.raw" 2>"$T/short-$p.err"; then
        kill "$(cat "$T/$p.pid")"; wait
        fail "$p: the copy of a disk that shrank succeeded"
    fi
    # (Debian 12's nbdkit 1.32 may already be gone: its core can abort on
    # "raw_send_socket: Assertion `sock >= 0'" when a reply of a request
    # in flight comes after nbdcopy hung up on the first error)
    kill "$(cat "$T/$p.pid")" 2>/dev/null || true; wait
    grep -Eq 'ends [0-9]+ bytes early|sent [0-9]+ of [0-9]+ bytes|HTTP status 416' "$T/plugin-$p.log" ||
        { cat "$T/plugin-$p.log"; fail "$p: no short read in the plugin's log"; }
    log "$p: $(grep -m1 -Eo 'error: .*' "$T/plugin-$p.log")"
done
