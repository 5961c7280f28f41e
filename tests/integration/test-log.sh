#!/bin/bash
# log --file and log --remote=syslog://: a run's lines reach both (a real
# UDP listener on 127.0.0.1), with time stamps, never the password; and
# kickstarts fetched from file:, cdrom: and usb: URLs, with an include.
source "$(dirname "$0")/../functions.sh"
requires which python3

port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 - "$port" "$T/syslog.txt" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.settimeout(30)
with open(sys.argv[2], "w") as out:
    try:
        while True:
            out.write(s.recv(65536).decode() + "\n")
            out.flush()
    except socket.timeout:
        pass
PY
listener=$!
cleanup_fn "kill $listener 2>/dev/null"
sleep 0.5

echo 'S3cr3t-pw' >"$T/pw"; chmod 600 "$T/pw"
closed=$(free_port)
mkdir -p "$T/media/cdrom0/ks" "$T/media/usb1/ks" "$T/out"
cat >"$T/media/usb1/ks/source.ks" <<KS
source --type=https --server=127.0.0.1:$closed --user=root --password-file=$T/pw --insecure
KS
cat >"$T/media/cdrom0/ks/run.ks" <<KS
include usb:/ks/source.ks
vm --name=logged
disk --path="[datastore1] logged/logged-flat.vmdk"
destination --type=local --dir=$T/out
log --file=$T/run.log --remote=syslog://127.0.0.1:$port
KS
r=0
V2VBOOT_MEDIA=$T/media "$agent" check -k cdrom:/ks/run.ks --workdir "$T" 2>"$T/err" || r=$?
[ $r = 1 ] && grep -q "v2vboot-agent: error: source: 127.0.0.1:$closed: cannot connect" "$T/err" ||
    { cat "$T/err"; fail "check against a closed port: exit $r"; }
sleep 1
for f in run.log syslog.txt; do
    grep -q 'v2vboot: == source' "$T/$f" && grep -q "error: source: 127.0.0.1:$closed: cannot connect" "$T/$f" ||
        { cat "$T/$f"; fail "$f lacks the run's lines"; }
    grep -q 'S3cr3t-pw' "$T/$f" && fail "password in $f"
done
grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} v2vboot: == destination' "$T/run.log" || fail "no time stamps in the log file"
grep -qE '^<134>[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} [^ ]+ v2vboot-agent\[[0-9]+\]: v2vboot: == source' "$T/syslog.txt" ||
    { cat "$T/syslog.txt"; fail "syslog lines not RFC 3164"; }

r=0; V2VBOOT_MEDIA=$T/media "$agent" dump-config -k usb:/ks/nosuch.ks 2>"$T/err" || r=$?
[ $r = 2 ] && grep -q "no usb medium mounted under $T/media has /ks/nosuch.ks" "$T/err" || fail "missing usb file: exit $r"
r=0; "$agent" dump-config -k gopher://x/ks 2>"$T/err" || r=$?
[ $r = 2 ] && grep -q "unknown kind of URL" "$T/err" || fail "unknown URL: exit $r"
"$agent" dump-config -k "file://$T/media/usb1/ks/source.ks" 2>"$T/err" >/dev/null && fail "file:// URL parsed"
grep -q "source.ks: no vm command" "$T/err" || { cat "$T/err"; fail "file:// URL"; }
