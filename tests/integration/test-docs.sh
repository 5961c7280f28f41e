#!/bin/bash
# Options and docs cannot drift: every kickstart option the parser knows
# is documented in docs/kickstart.md, nothing documented is unknown, and
# every example in the reference parses.
source "$(dirname "$0")/../functions.sh"
doc=$top/docs/kickstart.md
[ -f "$doc" ] || fail "no $doc"

"$agent" list-kickstart-options >"$T/known"
while read -r cmd opt; do
    if [ -n "$opt" ]; then
        grep -q -- "^### \`$cmd\`" "$doc" || fail "command $cmd not documented"
        awk -v c="### \`$cmd\`" '$0==c {on=1; next} /^### /{on=0} on' "$doc" |
            grep -q -- "\`$opt" || fail "$cmd $opt not documented"
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
for ex in "$T"/ex*.ks; do
    sed -i "s|/root/esx-password|$T/pw|; s|/root/esx-ca.pem|$T/pw|; s|/root/esx-key|$T/pw|; s|/root/esx-known-hosts|$T/pw|" "$ex"
    "$agent" dump-config -k "$ex" >/dev/null || fail "example $(basename "$ex") does not parse"
done
for f in v2vboot-agent.1.md kickstart.md data-path.md hacking.md; do
    [ -s "$top/docs/$f" ] || fail "docs/$f missing"
done
