#!/bin/bash
# log --file and log --remote=syslog://: a run's lines reach both (a real
# UDP listener on 127.0.0.1), with time stamps; and kickstarts fetched
# from file:, cdrom: and usb: URLs, with an include.
#
# The password is never logged: a full check (-v, the conversion in the
# overlay) against the nginx "ESXi", which receives the password (basic
# auth on every read), then a check with a wrong password (the 401 path);
# the password is in none of the log file, the syslog lines, stderr, the
# events, the summary, the logs in the work directory (copied during the
# run, since the run removes them) or the argv of any process (sampled).
source "$(dirname "$0")/../functions.sh"
requires which python3 nbdkit nginx qemu-img

port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 - "$port" "$T/syslog.txt" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
with open(sys.argv[2], "w") as out:
    while True:
        out.write(s.recv(65536).decode() + "\n")
        out.flush()
PY
listener=$!
cleanup_fn "kill $listener 2>/dev/null"
sleep 0.5

start_nginx
put_guest_on_datastore logged
pw=$(head -1 "$PASSWORD_FILE")
wrong=$(head -1 "$WRONG_PASSWORD_FILE")
mkdir -p "$T/media/cdrom0/ks" "$T/media/usb1/ks" "$T/out" "$T/wd" "$T/wdlogs"

# ks NAME PASSWORD-FILE: cdrom:/ks/NAME.ks, its source from
# usb:/ks/NAME-source.ks, logging to $T/NAME.log and the syslog listener.
ks () {
    cat >"$T/media/usb1/ks/$1-source.ks" <<KS
source --type=https --server=127.0.0.1:$NGINX_PORT --user=$USER --password-file=$2 --cacert=$CERT
KS
    cat >"$T/media/cdrom0/ks/$1.ks" <<KS
include usb:/ks/$1-source.ks
vm --name=logged
disk --path="[datastore1] logged/logged-flat.vmdk"
destination --type=local --dir=$T/out
log --file=$T/$1.log --remote=syslog://127.0.0.1:$port
KS
}

# check NAME [AGENT-OPTIONS]: v2vboot-agent check of cdrom:/ks/NAME.ks in
# the background, sampling every process's argv and copying the work
# directory's logs until it ends; sets r to its exit status.
check () {
    local name=$1 f; shift
    V2VBOOT_MEDIA=$T/media "$agent" check -k "cdrom:/ks/$name.ks" --workdir "$T/wd" \
        --machine-readable --summary "$T/$name-summary.json" "$@" \
        >"$T/$name.json" 2>"$T/$name.err" &
    local pid=$!
    while kill -0 $pid 2>/dev/null; do
        ps -eo args >>"$T/ps.txt"
        for f in "$T"/wd/*/*.log; do
            # (the run may remove it meanwhile)
            cp "$f" "$T/wdlogs/$name-$(basename "$f")" 2>/dev/null || :
        done
        sleep 0.5
    done
    r=0; wait $pid || r=$?
}

log "check with the password (-v), the conversion in the overlay"
ks good "$PASSWORD_FILE"
check good -v
[ $r = 0 ] && grep -q '"event":"done","ok":true,"message":"all checks passed: logged' "$T/good.json" ||
    { tail "$T/good.err" "$T/good.json"; fail "check: exit $r"; }
# Not blind: nginx got the password (authenticated reads of the disk),
# the samples saw nbdkit, and nbdkit's log was copied.
grep -qE '"GET /folder/logged/logged-flat.vmdk\?[^"]*" 20[06] ' "$NGINX_DIR/access.log" ||
    fail "nginx served no authenticated read of the disk (test is blind)"
grep -qE '^nbdkit .* [^ ]*v2vhttps[^ ]* .*password=\+' "$T/ps.txt" || fail "ps sampling did not see nbdkit (test is blind)"
[ -f "$T/wdlogs/good-nbdkit-disk0.log" ] || fail "nbdkit's log was not copied (test is blind)"

log "check with a wrong password: the 401 is logged"
ks bad "$WRONG_PASSWORD_FILE"
check bad
[ $r = 1 ] && cat "$T/bad.err" "$T/bad.json" | grep -q "wrong user or password for 'root' (HTTP 401)" ||
    { tail "$T/bad.err" "$T/bad.json"; fail "check with a wrong password: exit $r"; }
grep -q '" 401 ' "$NGINX_DIR/access.log" || fail "nginx saw no 401 (test is blind)"

sleep 1
for f in good.log bad.log; do
    grep -q 'v2vboot: == source' "$T/$f" || { cat "$T/$f"; fail "$f lacks the run's lines"; }
done
grep -q 'all checks passed: logged' "$T/good.log" || { cat "$T/good.log"; fail "good.log lacks the result"; }
grep -q "wrong user or password for 'root' (HTTP 401)" "$T/bad.log" || { cat "$T/bad.log"; fail "bad.log lacks the error"; }
grep -q "wrong user or password for 'root' (HTTP 401)" "$T/syslog.txt" &&
    grep -q 'all checks passed: logged' "$T/syslog.txt" || { cat "$T/syslog.txt"; fail "syslog lacks the runs' lines"; }
grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} v2vboot: == destination' "$T/good.log" || fail "no time stamps in the log file"
grep -qE '^<134>[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} [^ ]+ v2vboot-agent\[[0-9]+\]: v2vboot: == source' "$T/syslog.txt" ||
    { cat "$T/syslog.txt"; fail "syslog lines not RFC 3164"; }

log "neither password in any log, output, event, summary or argv"
files=("$T"/good.log "$T"/bad.log "$T"/syslog.txt "$T"/good.err "$T"/bad.err "$T"/good.json "$T"/bad.json
       "$T"/good-summary.json "$T"/bad-summary.json "$T"/ps.txt)
for f in "${files[@]}"; do [ -s "$f" ] || fail "$f is empty (test is blind)"; done
files+=("$T"/wdlogs/*)
for secret in "$pw" "$wrong"; do
    leaks=$(grep -lF -- "$secret" "${files[@]}") && fail "a password is in: $leaks"
done

r=0; V2VBOOT_MEDIA=$T/media "$agent" dump-config -k usb:/ks/nosuch.ks 2>"$T/err" || r=$?
[ $r = 2 ] && grep -q "no usb medium mounted under $T/media has /ks/nosuch.ks" "$T/err" || fail "missing usb file: exit $r"
r=0; "$agent" dump-config -k gopher://x/ks 2>"$T/err" || r=$?
[ $r = 2 ] && grep -q "unknown kind of URL" "$T/err" || fail "unknown URL: exit $r"
"$agent" dump-config -k "file://$T/media/usb1/ks/good-source.ks" 2>"$T/err" >/dev/null && fail "file:// URL parsed"
grep -q "good-source.ks: no vm command" "$T/err" || { cat "$T/err"; fail "file:// URL"; }
