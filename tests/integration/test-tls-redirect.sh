#!/bin/bash
# https stays https: an https kickstart URL (pinned thumbprint) that
# answers 302 to http:// is refused with a message naming both URLs, and
# nothing is fetched over http; an http:// virtio-win is refused; nbdkit's
# v2vhttps plugin serves the disk (https only, redirects too).  Positive controls: the same kickstart over http://
# and through an https->https redirect is read.
source "$(dirname "$0")/../functions.sh"
requires which nbdkit qemu-img nginx python3

start_nginx
stop_nginx
HTTP_PORT=$(free_port)
mkdir -p "$NGINX_DIR/plain"
# A second, plain-http server, and redirects to it from the https one.
python3 - "$NGINX_DIR/nginx.conf" "$NGINX_PORT" "$HTTP_PORT" "$NGINX_DIR/plain" <<'PY'
import sys
conf, port, http_port, plain = sys.argv[1:]
s = open(conf).read()
locs = f"""        location = /ks/to-http.ks {{ return 302 http://127.0.0.1:{http_port}/batch.ks; }}
        location = /ks/to-https.ks {{ return 302 https://127.0.0.1:{port}/ks/batch.ks; }}
        location = /ks/batch.ks {{ alias {plain}/batch.ks; }}
        location / {{ return 404; }}"""
s = s.replace("        location / { return 404; }", locs, 1)
i = s.rstrip().rfind("}")
s = s[:i] + f"""    server {{
        listen 127.0.0.1:{http_port};
        access_log {plain}.log v2v;
        root {plain};
    }}
}}
"""
open(conf, "w").write(s)
PY
restart_nginx

dest=$T/out; mkdir -p "$dest" "$T/wd"
write_ks "$NGINX_DIR/plain/batch.ks" testvm "$dest" --cacert="$CERT"
: >"$NGINX_DIR/plain/virtio-win.iso"

log "positive controls: over http://, and https redirected to https"
"$agent" dump-config -k "http://127.0.0.1:$HTTP_PORT/batch.ks" >"$T/plain.out" 2>&1 ||
    { cat "$T/plain.out"; fail "the kickstart over http:// was not read"; }
grep -q '^source .*--type=https' "$T/plain.out" || { cat "$T/plain.out"; fail "http dump"; }
"$agent" dump-config -k "https://127.0.0.1:$NGINX_PORT/ks/to-https.ks" \
    --thumbprint "$FINGERPRINT" >"$T/https.out" 2>&1 ||
    { cat "$T/https.out"; fail "an https->https redirect was not followed"; }
grep -q '^source .*--type=https' "$T/https.out" || { cat "$T/https.out"; fail "https dump"; }

log "an https kickstart redirected to http:// is refused"
: >"$NGINX_DIR/plain.log"
r=0
"$agent" dump-config -k "https://127.0.0.1:$NGINX_PORT/ks/to-http.ks" \
    --thumbprint "$FINGERPRINT" >"$T/down.out" 2>&1 || r=$?
[ "$r" != 0 ] || { cat "$T/down.out"; fail "a downgraded kickstart was parsed"; }
grep -qF "kickstart https://127.0.0.1:$NGINX_PORT/ks/to-http.ks: https://127.0.0.1:$NGINX_PORT/ks/to-http.ks redirected to http://127.0.0.1:$HTTP_PORT/batch.ks: refused, an https:// URL is only followed to https://" "$T/down.out" ||
    { cat "$T/down.out"; fail "no clear refusal"; }
grep -q "give the https:// URL it should lead to" "$T/down.out" || fail "no advice"
grep -q '^source' "$T/down.out" && fail "the downgraded kickstart was printed"
grep -q retrying "$T/down.out" && fail "a refused redirect was retried"
[ ! -s "$NGINX_DIR/plain.log" ] || fail "fetched over http: $(cat "$NGINX_DIR/plain.log")"

log "virtio-win over http:// is refused"
# Refused before the appliance starts: any disk will do.
mkdir -p "$DATASTORE/testvm"
truncate -s 64M "$DATASTORE/testvm/testvm-flat.vmdk"
run_vw () {   # run_vw VIRTIO-WIN LOG
    write_ks "$T/vw.ks" testvm "$dest" --cacert="$CERT"
    echo "options --virtio-win=$1" >>"$T/vw.ks"
    ! "$agent" run -v -k "$T/vw.ks" --workdir "$T/wd" >"$2" 2>&1 ||
        fail "ran with --virtio-win=$1"
    [ -z "$(ls -A "$dest")" ] || fail "destination not empty: $(ls -A "$dest")"
}
run_vw "http://127.0.0.1:$HTTP_PORT/virtio-win.iso" "$T/vw-http.log"
grep -qF "options --virtio-win=http://127.0.0.1:$HTTP_PORT/virtio-win.iso: refused, drivers for the guest's kernel are not fetched over plain http" "$T/vw-http.log" ||
    { tail "$T/vw-http.log"; fail "http virtio-win not refused clearly"; }
[ ! -s "$NGINX_DIR/plain.log" ] || fail "fetched over http: $(cat "$NGINX_DIR/plain.log")"
# (A virtio-win elsewhere is checked against the system's CAs only, which
# this test cannot make trust nginx: its redirects go through the same
# v2v_curl_policy as the kickstart's above.)

log "nbdkit serves the disk with our v2vhttps plugin: https only (plugin/v2vhttps.c)"
grep -E "nbdkit .*nbdkit-v2vhttps-plugin.so connections=[0-9]+ .* url=https://" "$T/vw-http.log" >/dev/null ||
    { grep nbdkit "$T/vw-http.log"; fail "nbdkit runs without the v2vhttps plugin"; }
