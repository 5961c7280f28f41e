#!/bin/bash
# Command line: exit 2 for bad usage, --help and --version work,
# dump-config prints a kickstart that parses back to itself, and the
# kernel command line (--cmdline) makes the same kickstart.
source "$(dirname "$0")/../functions.sh"

"$agent" --help | grep -q -- '--kickstart FILE|URL' || fail "--help"
"$agent" --version | grep -q '^v2vboot-agent [0-9]' || fail "--version"
for args in "" "frob" "run" "run --kickstart" "run --bogus" "check -k /dev/null extra" \
            "run -k /dev/null --cmdline" "run -k /dev/null --parallel=0" "run -k /dev/null --parallel=17"; do
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

# The same VM from kernel command line keys (as a PXE menu would give).
printf '%s\n' "BOOT_IMAGE=/vmlinuz ro console=ttyS0 v2v.source.type=https v2v.source.server=esx.example.com \
v2v.source.user=root v2v.source.password-file=$T/pw v2v.source.insecure \
\"v2v.disk.path=[datastore1] web01/web01-flat.vmdk\" v2v.vm.name=web01 v2v.vm.memory=2048 \
v2v.destination.type=local v2v.destination.dir=/var/tmp v2v.network.map=\"VM Network=default\" v2v.poweroff" \
    >"$T/cmdline"
"$agent" dump-config --cmdline="$T/cmdline" >"$T/d.ks" || fail "dump-config --cmdline"
cmp "$T/b.ks" "$T/d.ks" || { diff "$T/b.ks" "$T/d.ks"; fail "--cmdline makes another kickstart"; }
echo "ro v2v.vm.nmae=x" >"$T/badline"
r=0; "$agent" dump-config --cmdline="$T/badline" 2>"$T/err" || r=$?
[ $r = 2 ] && grep -q "v2v.vm.nmae: vm has no option --nmae (did you mean --name?)" "$T/err" ||
    { cat "$T/err"; fail "bad command line key: exit $r"; }
echo "ro quiet" >"$T/none"
r=0; "$agent" run --cmdline="$T/none" 2>"$T/err" || r=$?
[ $r = 2 ] && grep -q "no v2v.ks= and no v2v.\* keys" "$T/err" || fail "empty command line: exit $r"

# The wizard's own command line (its screens: test-wizard.sh).
tui=$top/build/v2vboot-tui
"$tui" --version | grep -q '^v2vboot-tui [0-9]' || fail "v2vboot-tui --version"
"$tui" --help | grep -q 'docs/wizard.md' || fail "v2vboot-tui --help"
r=0; "$tui" --bogus 2>/dev/null || r=$?
[ $r = 2 ] || fail "v2vboot-tui --bogus: exit $r"
r=0; TERM=vt100 script -qec "stty rows 20 cols 60; $tui" /dev/null >"$T/small.txt" 2>&1 || r=$?
[ $r = 1 ] && grep -q '80x24 or more is needed' "$T/small.txt" || { cat "$T/small.txt"; fail "small terminal: exit $r"; }
