#!/bin/bash
# make bench, part 2: the two-disk guest (/ on sda, /var on sdb) from its
# .vmx over SSH and over HTTPS into a libvirt pool over qemu+ssh.  Reports
# per-disk copy throughput against the raw read rate of the same server
# measured in the same run (curl for HTTPS, sftp for SSH) and against the
# raw upload rate of the same libvirt connection (virsh vol-upload of the
# same 1 GiB): the copy can go no faster than the slower of the two.  Also
# the bytes sent over the libvirt connection against the volumes' data.
source "$(dirname "$0")/../functions.sh"
requires which sshd sftp libvirtd virsh nbdkit qemu-nbd nginx

start_nginx
put_two_disk_guest_on_datastore db01 00:50:56:aa:bb:09
# 1 GiB of the guest's data, for the raw read rates.
head -c 1G "$DATASTORE/db01/db01-flat.vmdk" >"$DATASTORE/db01/rate.bin"
start_sshd
start_kvm_host bench
pool=$POOL
mkdir -p "$T/wd"

log "raw read rates"
# (the password through a curl config file, never in argv)
(umask 077; printf 'user = "%s:%s"\n' "$USER" "$(cat "$PASSWORD_FILE")" >"$T/curlrc")
https_rate=$(curl -s -o /dev/null --cacert "$CERT" -K "$T/curlrc" \
    -w '%{speed_download}' \
    "https://127.0.0.1:$NGINX_PORT/folder/db01/rate.bin?dcPath=ha-datacenter&dsName=datastore1")
start=$(date +%s.%N)
echo "get /vmfs/volumes/datastore1/db01/rate.bin /dev/null" |
    sftp -q -b - -i "$SSH_KEY" -P "$SSH_PORT" -o UserKnownHostsFile="$KNOWN_HOSTS" \
        "$SSH_USER@127.0.0.1" >/dev/null
ssh_rate=$(echo "1073741824 / ($(date +%s.%N) - $start)" | bc)
# The same URI the agent builds from --identity and --known-hosts.
uri="qemu+libssh://root@127.0.0.1:$ROOT_SSH_PORT/system?keyfile=$ROOT_SSH_KEY&known_hosts=$ROOT_KNOWN_HOSTS&known_hosts_verify=normal"
virsh -q vol-create-as "$pool" rate 1G --format raw >/dev/null
start=$(date +%s.%N)
virsh -q -c "$uri" vol-upload rate "$DATASTORE/db01/rate.bin" --pool "$pool"
libvirt_rate=$(echo "1073741824 / ($(date +%s.%N) - $start)" | bc)
virsh -q vol-delete rate --pool "$pool" >/dev/null

# convert PROTO SOURCE-LINE: into the pool; prints per-disk rates and bytes.
convert () {
    local proto=$1 name=bench$1
    cat >"$T/$proto.ks" <<KS
$2
vm --vmx="[datastore1] db01/db01.vmx" --name=$name
destination --type=libvirt --uri=qemu+ssh://root@127.0.0.1:$ROOT_SSH_PORT/system \\
            --pool=$pool --identity=$ROOT_SSH_KEY --known-hosts=$ROOT_KNOWN_HOSTS
KS
    "$agent" run -k "$T/$proto.ks" --workdir "$T/wd" --machine-readable \
        >"$T/$proto.json" 2>"$T/$proto.log" || { tail "$T/$proto.log"; fail "$proto conversion"; }
    cleanup_fn "virsh -q undefine $name >/dev/null 2>&1"
    sent=$(grep -o 'data sent over libvirt ([0-9]* bytes)' "$T/$proto.json" | grep -o '[0-9]*' |
           awk '{s+=$1} END {print s+0}')
    data=0
    for d in sda sdb; do
        v=$(virsh vol-path "$name-$d" --pool "$pool")
        data=$(( data + $(qemu-img map --output=json -f raw "$v" |
            python3 -c 'import json,sys; print(sum(e["length"] for e in json.load(sys.stdin) if e["data"]))') ))
    done
    python3 - "$T/$proto.json" <<'PY' >"$T/$proto.rates"
import json, sys
last = {}
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e["event"] == "copy":
        last[e["disk"]] = e
for d in sorted(last):
    print(d, last[d]["total"], last[d]["rate"])
PY
    echo "$sent $data" >"$T/$proto.bytes"
}

convert ssh "source --type=ssh --server=127.0.0.1:$SSH_PORT --user=$SSH_USER --identity=$SSH_KEY --known-hosts=$KNOWN_HOSTS"
convert https "source --type=https --server=127.0.0.1:$NGINX_PORT --user=$USER --password-file=$PASSWORD_FILE --cacert=$CERT"
read -r ssh_sent ssh_data <"$T/ssh.bytes"
read -r https_sent https_data <"$T/https.bytes"

mibs () { echo "scale=1; $1 / 1048576" | bc; }
echo
echo "== v2vboot bench: two-disk guest into a libvirt pool over qemu+ssh (127.0.0.1)"
printf 'raw read rate, HTTPS (curl):  %s MiB/s\n' "$(mibs "${https_rate%.*}")"
printf 'raw read rate, SSH (sftp):    %s MiB/s\n' "$(mibs "$ssh_rate")"
printf 'raw upload rate, libvirt (virsh vol-upload over qemu+libssh): %s MiB/s\n' "$(mibs "$libvirt_rate")"
for p in https ssh; do
    raw=$([ $p = https ] && echo "${https_rate%.*}" || echo "$ssh_rate")
    path=$(( raw < libvirt_rate ? raw : libvirt_rate ))
    while read -r disk total rate; do
        r=${rate%.*}
        printf '%-5s disk %s: %s MiB copied at %s MiB/s = %s x the source raw rate, %s x the slower end\n' \
            "$p" "$disk" "$(mibs "$total")" "$(mibs "$r")" \
            "$(echo "scale=2; $r / $raw" | bc)" "$(echo "scale=2; $r / $path" | bc)"
    done <"$T/$p.rates"
done
for p in https ssh; do
    sent=${p}_sent data=${p}_data
    printf '%-5s: %s bytes sent over libvirt for %s data bytes in the volumes = %s\n' "$p" \
        "${!sent}" "${!data}" "$(echo "scale=3; ${!sent} / ${!data}" | bc)"
    [ "$(echo "${!sent} <= 1.02 * ${!data}" | bc)" = 1 ] &&
        echo "target met:    $p: bytes over libvirt <= 1.02 x data" ||
        echo "target MISSED: $p: bytes over libvirt <= 1.02 x data"
done
echo "(copy rates include reading the source through nbdkit and the overlay, and"
echo " the SSH-encrypted libvirt stream; the target is >= 0.9 x the raw rate of"
echo " the slower end, see docs/bench.md)"
