#!/bin/bash
# Command line: exit 2 for bad usage, --help and --version work, and
# dump-config prints a kickstart that parses back to itself.
source "$(dirname "$0")/../functions.sh"

"$agent" --help | grep -q 'run --kickstart FILE' || fail "--help"
"$agent" --version | grep -q '^v2vboot-agent [0-9]' || fail "--version"
for args in "" "frob" "run" "run --kickstart" "run --bogus" "check -k /dev/null extra"; do
    r=0; "$agent" $args >/dev/null 2>&1 || r=$?
    [ $r = 2 ] || fail "'$args': exit $r, want 2"
done
r=0; "$agent" run -k /nonexistent.ks 2>"$T/err" || r=$?
[ $r = 2 ] && grep -q '/nonexistent.ks: No such file' "$T/err" || fail "missing kickstart"

echo secret >"$T/pw"; chmod 600 "$T/pw"
cat >"$T/a.ks" <<KS
source --type=https --server=esx.example.com --user=root --password-file=$T/pw --insecure
disk --path="[datastore1] web01/web01-flat.vmdk"
vm --name=web01 --memory=2048
destination --type=local --dir=/var/tmp
network --map="VM Network=default"
poweroff
KS
"$agent" dump-config -k "$T/a.ks" >"$T/b.ks"
"$agent" dump-config -k "$T/b.ks" >"$T/c.ks"
cmp "$T/b.ks" "$T/c.ks" || fail "dump-config does not round-trip"
grep -q 'secret' "$T/b.ks" && fail "dump-config shows the password"
grep -qx 'disk --path="\[datastore1\] web01/web01-flat.vmdk"' "$T/b.ks" || fail "dump-config disk line"
:
