#!/bin/bash
# The real .vmx files of tests/unit/vmx-files/, each in its own VM
# folder of the test datastore (with a descriptor for each relative
# disk), listed by list-vms over HTTPS: memory, vCPUs (1 where numvcpus
# is absent, as the conversion uses), firmware, disks and NICs are what
# tests/unit/vmx-files/expected.txt says of the file; an encrypted or
# diskless one is listed with its reason.
source "$(dirname "$0")/../functions.sh"
requires which nginx python3

start_nginx
files=$top/tests/unit/vmx-files
for f in "$files"/*.vmx; do
    name=${f##*/}; dir=$DATASTORE/${name%.vmx}
    mkdir -p "$dir"
    cp "$f" "$dir/"
    # a descriptor of 1 GiB for each relative .vmdk the file names
    sed -n 's/^[^#]*\.[fF][iI][lL][eE][nN][aA][mM][eE] *= *"\([^"/][^"]*\.vmdk\)".*/\1/p' "$f" |
    while read -r disk; do
        mkdir -p "$dir/$(dirname "$disk")"
        printf '# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="vmfs"\n\nRW 2097152 VMFS "%s"\n' \
            "$(basename "${disk%.vmdk}")-flat.vmdk" >"$dir/$disk"
    done
done
cat >"$T/src.ks" <<KS
source --type=https --server=127.0.0.1:$NGINX_PORT --user=$USER --password-file=$PASSWORD_FILE --cacert=$CERT
KS
"$agent" list-vms -k "$T/src.ks" --machine-readable >"$T/list.json" 2>"$T/list.err" ||
    { cat "$T/list.err"; fail "list-vms failed"; }
python3 - "$T/list.json" "$files/expected.txt" <<'PY' || fail "list-vms differs from expected.txt"
import json, re, sys
vms = {re.sub(r"^\[datastore1\] [^/]*/", "", v["vmx"]): v
       for v in map(json.loads, open(sys.argv[1]))}
blocks = {}
for b in open(sys.argv[2]).read().split("\n== ")[1:]:
    lines = b.strip("\n").split("\n")
    blocks[lines[0]] = lines[1:]
assert set(vms) == set(blocks), (sorted(set(vms) ^ set(blocks)))
bad = 0
for name, facts in blocks.items():
    v = vms[name]
    if facts[0].startswith("error "):
        ok = v["problem"] == facts[0][6:]
    else:
        f = dict(l.split(" ", 1) for l in facts if l.split(" ")[0] in
                 ("memory", "vcpus", "firmware"))
        ok = (v["problem"] is None and v["memory_mib"] == int(f["memory"])
              and v["vcpus"] == int(f["vcpus"]) and v["firmware"] == f["firmware"]
              and v["disks"] == sum(l.startswith("disk ") for l in facts)
              and v["nics"] == sum(l.startswith("nic ") for l in facts))
    if not ok:
        bad += 1
        print("differs:", name, v, facts, file=sys.stderr)
print(len(blocks), "files listed", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
# The text form says 1 vCPU for a file without numvcpus.
"$agent" list-vms -k "$T/src.ks" 2>/dev/null |
    grep -q '^vm --vmx="\[datastore1\] libvirt-esx-in-the-wild-1/libvirt-esx-in-the-wild-1.vmx"  # Fedora11, rhel5, 1024 MiB, 1 vCPU, 1 disk(s) 1 GiB, networks: VM Network$' ||
    fail "list-vms text for a .vmx without numvcpus"
