#!/bin/bash
# The kickstart parser under valgrind: no leak, no invalid access, on good
# and bad files.
source "$(dirname "$0")/../functions.sh"
requires which valgrind
echo pw >"$T/pw"
printf 'source --type=https --server=esx:443 --user=u --password-file=%s --insecure\ndisk --path="[ds] a/b.vmdk"\nvm --name=v\ndestination --type=local --dir=/tmp\nnetwork --map="A=b"\n' "$T/pw" >"$T/good.ks"
printf 'source --typ=https\nvm --name=1 --name=2\ndisk --path="x\n%%pre\n\0\n' >"$T/bad.ks"
for f in good bad; do
    r=0
    valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
        "$agent" dump-config -k "$T/$f.ks" >/dev/null 2>"$T/$f.log" || r=$?
    [ $r = 99 ] && { cat "$T/$f.log"; fail "valgrind errors on $f.ks"; }
    case $f in good) [ $r = 0 ] ;; bad) [ $r = 2 ] ;; esac || { cat "$T/$f.log"; fail "$f.ks: exit $r"; }
done
