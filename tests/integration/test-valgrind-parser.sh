#!/bin/bash
# The kickstart and kernel command line parsers under valgrind: no leak,
# no invalid access, on good and bad input (the unit tests run the same
# under ASan with LeakSanitizer).
source "$(dirname "$0")/../functions.sh"
requires which valgrind
echo pw >"$T/pw"
printf 'source --type=https --server=esx:443 --user=u --password-file=%s --insecure\ndisk --path="[ds] a/b.vmdk"\nvm --name=v\ndestination --type=local --dir=/tmp\nnetwork --map="A=b"\n' "$T/pw" >"$T/good.ks"
printf 'source --typ=https\nvm --name=1 --name=2\ndisk --path="x\n%%pre\n\0\n' >"$T/bad.ks"
{ sed -n '1p;4p' "$T/good.ks"; cat; } >"$T/batch.ks" <<'KS'
vm --name=w1
disk --path="[ds] w1/w1-flat.vmdk"
vm --name=w2 --vcpus=4
disk --path="[ds] w2/w2-flat.vmdk"
network --map="A=c"
options --parallel=2 --no-fstrim
log --file=/tmp/x.log
network --bootproto=dhcp
%pre
echo $V2V_VMS
%end
%onerror
true
%end
KS
for f in good bad batch; do
    r=0
    valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
        "$agent" dump-config -k "$T/$f.ks" >/dev/null 2>"$T/$f.log" || r=$?
    [ $r = 99 ] && { cat "$T/$f.log"; fail "valgrind errors on $f.ks"; }
    case $f in good|batch) [ $r = 0 ] ;; bad) [ $r = 2 ] ;; esac || { cat "$T/$f.log"; fail "$f.ks: exit $r"; }
done
printf 'ro v2v.source.type=https v2v.source.server=e v2v.vm.name=a v2v.disk.path=/a v2v.vm.name=b v2v.disk.path=/b v2v.destination.type=local v2v.destination.dir=/tmp v2v.sorce.x=1\n' >"$T/cmdline"
r=0
valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
    "$agent" dump-config --cmdline="$T/cmdline" >/dev/null 2>"$T/cmdline.log" || r=$?
[ $r = 2 ] || { cat "$T/cmdline.log"; fail "command line: exit $r"; }
