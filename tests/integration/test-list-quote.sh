#!/bin/bash
# Names from a datastore stay data: a folder named so that its vm line
# would close the quote and open a %pre (the README's "list-vms >>
# batch.ks" then "check -k batch.ks") is listed as a "# skipped" comment
# and runs nothing; every other name (quotes, %, backslashes, #, spaces,
# =, UTF-8) comes back from the parser as the same string.
source "$(dirname "$0")/../functions.sh"
requires which nginx python3

start_nginx
# Serve names with a newline too, as the review's server did (nginx's
# "." stops at one).
sed -i 's|location ~ ^/folder/(.+)\$ {|location ~ "(?s)^/folder/(.+)$" {|' "$NGINX_DIR/nginx.conf"
grep -qF '(?s)' "$NGINX_DIR/nginx.conf" || fail "nginx.conf: no /folder location to change"
stop_nginx
restart_nginx
mkdir -p "$T/work"
evil=$'x.vmx"\n%pre\necho INJECTED > marker\n%end\n#'
mkdir -p "$DATASTORE/$evil"
# put_vmx DIR FILE: a small .vmx; a plain VM beside the injected one.
put_vmx () {
    cat >"$1/$2" <<'VMX'
config.version = "8"
virtualHW.version = "19"
displayName = "odd"
guestOS = "debian12-64"
memSize = "1024"
numvcpus = "1"
scsi0.present = "TRUE"
scsi0:0.present = "TRUE"
scsi0:0.fileName = "odd.vmdk"
VMX
}
mkdir -p "$DATASTORE/good"
put_vmx "$DATASTORE/$evil" a.vmx
put_vmx "$DATASTORE/good" good.vmx
cat >"$T/src.ks" <<KS
source --type=https --server=127.0.0.1:$NGINX_PORT --user=$USER --password-file=$PASSWORD_FILE --cacert=$CERT
KS
"$agent" list-vms -k "$T/src.ks" >"$T/list.txt" 2>"$T/list.err" ||
    { cat "$T/list.err"; fail "list-vms"; }
cat "$T/list.txt" >&2
# The README's way: the source and destination, then list-vms's lines.
{ cat "$T/src.ks"; echo "destination --type=local --dir=$T/no-such-dir"; } >"$T/head.ks"
cat "$T/head.ks" "$T/list.txt" >"$T/batch.ks"
(cd "$T/work" && "$agent" check -k "$T/batch.ks" >"$T/check.out" 2>&1) || :
[ ! -e "$T/work/marker" ] || fail "check ran the %pre a datastore name wrote"
grep -q 'INJECTED' "$T/check.out" && fail "check saw the injected %pre"
grep -q '^# skipped: "\[datastore1\] x.vmx\\"\\n%pre\\necho INJECTED > marker\\n%end\\n#/a.vmx": it holds a line break' \
    "$T/list.txt" || fail "the injected name is not shown as skipped, escaped, with the reason"
grep -q 'skipped .*it holds a line break' "$T/list.err" || fail "no warning on stderr"

names=('q"uote' 'pct%41 100%' 'back\slash\' '#hash' 'sp ace' 'a=b=c'
       $'caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac' "it's" 'end"')
for n in "${names[@]}"; do
    mkdir -p "$DATASTORE/$n"
    put_vmx "$DATASTORE/$n" 'w"e#i=r d.vmx'
done
"$agent" list-vms -k "$T/src.ks" --machine-readable >"$T/list.json" ||
    fail "list-vms --machine-readable"
"$agent" list-vms -k "$T/src.ks" >"$T/list.txt" 2>"$T/list.err" ||
    { cat "$T/list.err"; fail "list-vms"; }
cat "$T/head.ks" "$T/list.txt" >"$T/batch.ks"
[ "$(grep -c '^vm --vmx=' "$T/list.txt")" = $((${#names[@]} + 1)) ] || fail "not every other name got a vm line"

# Each name comes back from the parser as the same string: the strings
# dump-config prints, unquoted as docs/kickstart.md says, are the ones
# the JSON listing gives.
"$agent" dump-config -k "$T/batch.ks" >"$T/dump.ks" 2>"$T/dump.err" ||
    { cat "$T/dump.err"; fail "batch.ks does not parse"; }
grep -q '^%pre' "$T/dump.ks" && fail "batch.ks has a %pre"
python3 - "$T/list.json" "$T/dump.ks" "${names[@]}" <<'PY' || fail "names do not round-trip"
import json, sys
listed = [json.loads(l)["vmx"] for l in open(sys.argv[1], encoding="utf-8")]
want = ["[datastore1] %s/w\"e#i=r d.vmx" % n for n in sys.argv[3:]]
want.append("[datastore1] good/good.vmx")
assert sorted(listed) == sorted(want + ['[datastore1] x.vmx"\n%pre\necho INJECTED > marker\n%end\n#/a.vmx']), listed

def unquote(word):
    # A whole word: "..." with \" and \\ inside, or a bare word.
    if not word.startswith('"'):
        return word
    assert word.endswith('"'), word
    out, i, body = [], 0, word[1:-1]
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body) and body[i + 1] in '"\\':
            i += 1
        out.append(body[i]); i += 1
    return "".join(out)

got = []
for line in open(sys.argv[2], encoding="utf-8"):
    if line.startswith("vm --vmx="):
        got.append(unquote(line[len("vm --vmx="):].rstrip("\n")))
assert sorted(got) == sorted(want), (got, want)
PY
log "${#names[@]} odd names round-trip; the injected one is skipped"
