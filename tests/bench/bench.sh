#!/bin/bash
# make bench: v2vboot against virt-v2v 2.2 on the same nginx source in the
# same run.  Reports wall time and ratio, bytes served by nginx, data bytes
# in each output disk, the guest's used filesystem bytes, and whether each
# result boots on virtio-blk; then checks the targets of docs/bench.md.
#
# virt-v2v reads the same files from nginx's /open/ (virt-v2v-https.sh).
source "$(dirname "$0")/../functions.sh"
source "$(dirname "$0")/virt-v2v-https.sh"
requires which virt-v2v nbdkit qemu-img qemu-system-x86_64 nginx

start_nginx
put_guest_on_datastore testvm
src=$DATASTORE/testvm/testvm-flat.vmdk

data_bytes () {
    qemu-img map --output=json "$1" |
        python3 -c 'import json,sys; print(sum(e["length"] for e in json.load(sys.stdin) if e["data"]))'
}
boots () {
    if BOOT_MAC=${2:-} boot_disk "$1" qcow2 "$T/boot-$(basename "$1").log" 300; then echo yes; else echo no; fi
}

log "guest's used filesystem bytes"
used=$(guestfish --ro -a "$src" -i statvfs / | awk '/^bsize|^blocks:|^bfree:/ {v[$1]=$2} END {print (v["blocks:"]-v["bfree:"])*v["bsize:"]}')

log "v2vboot"
mkdir -p "$T/v2vboot" "$T/wd"
write_ks "$T/ks" testvm "$T/v2vboot" --cacert="$CERT"
# With --verify-boot: its cost is measured from the verify stage's start
# to the run's end, and left out of the conversion's wall time.
echo "options --verify-boot" >>"$T/ks"
: >"$NGINX_DIR/access.log"
start=$(date +%s.%N)
"$agent" run --kickstart "$T/ks" --workdir "$T/wd" --machine-readable \
    2>"$T/v2vboot.log" | while read -r line; do
        case $line in *'"stage":"verify"'*) date +%s.%N >"$T/verify-start" ;; esac
        printf '%s\n' "$line"
    done >"$T/v2vboot.json"
grep -q '"event":"summary","version":"[^"]*","mode":"run","ok":true' "$T/v2vboot.json" ||
    { tail "$T/v2vboot.log" "$T/v2vboot.json"; fail "v2vboot failed"; }
end=$(date +%s.%N)
verify_time=$(echo "$end - $(cat "$T/verify-start")" | bc)
verify_said=$(grep -o '"verify":"[^"]*"' "$T/v2vboot.json" | head -1 | cut -d'"' -f4)
ours_time=$(echo "$(cat "$T/verify-start") - $start" | bc)
ours_read=$(nginx_bytes folder)
ours_disk=$T/v2vboot/testvm-kvm-sda.qcow2
ours_data=$(data_bytes "$ours_disk")
ours_mac=$(grep -o "mac address='[^']*'" "$T/v2vboot/testvm-kvm.xml" | cut -d"'" -f2)
ours_boots=$(boots "$ours_disk" "$ours_mac")

log "virt-v2v"
virt_v2v_https_input "$T/testvm.xml" "$NGINX_PORT"
mkdir -p "$T/virt-v2v"
: >"$NGINX_DIR/access.log"
start=$(date +%s.%N)
if virt-v2v -i libvirtxml "$T/testvm.xml" -o local -os "$T/virt-v2v" -of qcow2 \
        >"$T/virt-v2v.log" 2>&1; then
    theirs_ok=yes
else
    theirs_ok=no; tail -5 "$T/virt-v2v.log" >&2
fi
theirs_time=$(echo "$(date +%s.%N) - $start" | bc)
theirs_read=$(nginx_bytes open)
theirs_disk=$T/virt-v2v/testvm-sda
theirs_data=0; theirs_boots=no
if [ -f "$theirs_disk" ]; then
    theirs_data=$(data_bytes "$theirs_disk")
    theirs_boots=$(boots "$theirs_disk")
fi
grep -o 'could not determine a way to update the configuration of Grub2' "$T/virt-v2v.log" | head -1 >&2 || :

mib () { echo "$(( $1 / 1048576 )) MiB"; }
ratio () { echo "scale=3; $1 / $2" | bc; }
cat <<REPORT

== v2vboot bench: VMware-like Debian 12 guest over HTTPS (nginx, 127.0.0.1), TCG
guest used filesystem bytes:     $used ($(mib $used))
                                 v2vboot              virt-v2v
wall time (s):                   $(printf '%-20s %s' "$ours_time" "$theirs_time")
bytes read from source:          $(printf '%-20s %s' "$ours_read" "$theirs_read")
data bytes in output disk:       $(printf '%-20s %s' "$ours_data" "$theirs_data")
source read / output data:       $(printf '%-20s %s' "$(ratio $ours_read $ours_data)" "$( [ "$theirs_data" -gt 0 ] && ratio $theirs_read $theirs_data || echo -)")
output data / guest used:        $(printf '%-20s %s' "$(ratio $ours_data $used)" "$(ratio $theirs_data $used)")
converted without error:         $(printf '%-20s %s' yes "$theirs_ok")
boots on virtio-blk:             $(printf '%-20s %s' "$ours_boots" "$theirs_boots")
--verify-boot (s, not in wall):  $verify_time ($verify_said)
wall time ratio v2vboot/virt-v2v: $(ratio $ours_time $theirs_time)
REPORT

target () { if [ "$2" = 1 ]; then echo "target met:    $1"; else echo "target MISSED: $1"; fi; }
echo
target "v2vboot's guest boots on virtio-blk" "$([ "$ours_boots" = yes ] && echo 1)"
target "--verify-boot finds it booted" "$(case $verify_said in booted*) echo 1 ;; esac)"
target "source read <= 1.02 x output data" "$(echo "$ours_read <= 1.02 * $ours_data" | bc)"
target "output data <= 1.06 x guest used" "$(echo "$ours_data <= 1.06 * $used" | bc)"
target "wall time <= 0.7 x virt-v2v's" "$(echo "$ours_time <= 0.7 * $theirs_time" | bc)"
[ "$ours_boots" = yes ] || fail "v2vboot's result does not boot"
