#!/bin/bash
# Options and docs cannot drift: every kickstart option the parser knows
# is documented in docs/kickstart.md, nothing documented is unknown, and
# every example in the reference parses into the dump-config output
# checked in as tests/integration/kickstart-examples.expected
# (V2VBOOT_UPDATE_EXPECTED=1 rewrites it after a deliberate change; never
# in CI: test-ci-guards.sh).
source "$(dirname "$0")/../functions.sh"
no_update_in_ci
doc=$top/docs/kickstart.md
[ -f "$doc" ] || fail "no $doc"

"$agent" list-kickstart-options >"$T/known"
while read -r cmd opt; do
    if [ -n "$opt" ]; then
        grep -q -- "^### \`$cmd\`" "$doc" || fail "command $cmd not documented"
        awk -v c="### \`$cmd\`" '$0==c {on=1; next} /^### /{on=0} on' "$doc" |
            grep -- "\`$opt" >/dev/null || fail "$cmd $opt not documented"
    else
        grep -q -- "^### \`$cmd\`" "$doc" || fail "command $cmd not documented"
    fi
done <"$T/known"
# Documented options that the parser does not know.
awk '/^### `/{gsub(/[`#]/,""); sub(/^ +/,""); cmd=$1; next}
     /^- `--/ {o=$2; sub(/^`/,"",o); sub(/[=`].*/,"",o); print cmd, o}' "$doc" >"$T/documented"
while read -r cmd opt; do
    grep -qx -- "$cmd $opt" "$T/known" || fail "documented $cmd $opt does not exist"
done <"$T/documented"
[ -s "$T/documented" ] || fail "found no documented options (test is blind)"

# Every example block parses (paths to files replaced by real files).
echo pw >"$T/pw"
awk '/^```kickstart/{n++; f=sprintf("'"$T"'/ex%d.ks", n); next} /^```/{f=""} f{print > f}' "$doc"
ls "$T"/ex*.ks >/dev/null 2>&1 || fail "no kickstart examples in $doc"
# The include example reads a snippet from a local file instead.
printf 'source --type=https --server=esx1.example.com --user=root --password-file=%s/pw\n' "$T" \
    >"$T/esx1-source.ks"
expected=$top/tests/integration/kickstart-examples.expected
: >"$T/dumps"
for ex in $(ls "$T"/ex*.ks | sort -V); do
    sed -i "s|/root/esx-password|$T/pw|; s|/root/esx-ca.pem|$T/pw|; s|/root/esx-key|$T/pw|; s|/root/esx-known-hosts|$T/pw|;
            s|https://deploy.example.com/v2v/|file:$T/|" "$ex"
    echo "=== $(basename "$ex")" >>"$T/dumps"
    "$agent" dump-config -k "$ex" >>"$T/dumps" || fail "example $(basename "$ex") does not parse"
done
sed -i "s|$T|@T@|g" "$T/dumps"
if [ -n "${V2VBOOT_UPDATE_EXPECTED:-}" ]; then no_update_in_ci; cp "$T/dumps" "$expected"; fi
diff -u "$expected" "$T/dumps" || fail "dump-config of the examples differs from $expected"
for f in v2vboot-agent.1.md kickstart.md data-path.md hacking.md wizard.md bench.md windows.md \
         linux.md events.md image.md vmx.md vsphere.md verify.md; do
    [ -s "$top/docs/$f" ] || fail "docs/$f missing"
done
