#!/bin/bash
# What the image keeps in /var/log/v2vboot holds no secret: dump-config
# (init writes it to kickstart.ks) masks every password, a URL's
# password too, and shows %pre, %post and %onerror only by length and
# SHA-256, from a file or from the kernel command line; a check run's
# log file, summary and messages do not have them either, and the log
# file is 0600 even if it was there before with a wider mode.
source "$(dirname "$0")/../functions.sh"

pw=Esx-Pa55-$RANDOM$RANDOM
inline=Inline-Pa55-$RANDOM
urlpw=Url-Pa55-$RANDOM
ssh-keygen -q -t ed25519 -N '' -f "$T/key"
keyline=$(sed -n 2p "$T/key")
mkdir -p "$T/log" "$T/work"
(umask 022; echo old >"$T/log/convert.log")
cat >"$T/ks" <<KS
source --type=https --server=127.0.0.1:1 --user=root --password-file=/tmp/esx-password --insecure
vm --name=vm1 --memory=1024
disk --path="[datastore1] vm1/vm1-flat.vmdk"
destination --type=local --dir=$T/no-such-dir
options --virtio-win=https://me:$urlpw@files.example.com/virtio-win.iso
log --file=$T/log/convert.log
%pre
umask 077
cat >$T/work/esx-password <<'PASSWORD'
$pw
PASSWORD
cat >$T/work/kvm-key <<'KEY'
$(cat "$T/key")
KEY
%end
%post
echo $pw
%end
%onerror
echo $pw
%end
KS
body=$(sed -n '/^%pre$/,/^%end$/p' "$T/ks" | sed '1d;$d')
"$agent" dump-config -k "$T/ks" >"$T/dump.ks" || fail "dump-config"
cat "$T/dump.ks" >&2
grep -qF "# not shown: $(printf '%s\n' "$body" | wc -c) bytes, sha256 $(printf '%s\n' "$body" | sha256sum | cut -d' ' -f1)" "$T/dump.ks" ||
    fail "%pre is not shown by its length and SHA-256"
grep -qF -- "--virtio-win=https://me:********@files.example.com/virtio-win.iso" "$T/dump.ks" ||
    fail "the URL's password is not masked"

# As init does it: from the kernel command line, v2v.ks= or inline keys.
echo "ro console=ttyS0 v2v.ks=file:$T/ks" >"$T/cmdline"
"$agent" dump-config --cmdline="$T/cmdline" >"$T/dump-cmdline.ks" || fail "dump-config --cmdline"
echo "ro v2v.source.type=https v2v.source.server=esx v2v.source.user=root v2v.source.password=$inline v2v.vm.name=a v2v.disk.path=/a v2v.destination.type=local v2v.destination.dir=/tmp" >"$T/cmdline2"
"$agent" dump-config --cmdline="$T/cmdline2" >"$T/dump-inline.ks" 2>"$T/dump-inline.err" || fail "dump-config --cmdline, inline"
grep -q -- '--password=\*\*\*\*\*\*\*\*' "$T/dump-inline.ks" || fail "inline password not masked"

(cd "$T/work" && "$agent" check -k "$T/ks" --summary "$T/log/summary.json" >"$T/check.out" 2>&1) || :
[ -s "$T/work/esx-password" ] || { cat "$T/check.out"; fail "%pre did not run"; }
for f in "$T"/dump*.ks "$T/dump-inline.err" "$T/check.out" "$T"/log/*; do
    for s in "$pw" "$inline" "$urlpw" "$keyline" "PRIVATE KEY"; do
        grep -aqF -- "$s" "$f" && fail "$(basename "$f") holds a secret: $s"
    done
done
[ "$(stat -c %a "$T/log/convert.log")" = 600 ] ||
    fail "the log file is $(stat -c %a "$T/log/convert.log"), not 0600"
log "dump-config, the log and the summary hold no secret"
