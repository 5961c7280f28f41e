#!/bin/bash
# The scale bench: does the copy's cost grow with the data, not with the
# disk size or the number of disks?  Three VMs from .vmx files on the
# nginx HTTPS source, each converted by v2vboot (default options) into
# qcow2: the test guest (one 4 GiB disk), the 32 GiB guest and the 4-disk
# guest (tests/guest/build-guest-scale.sh).  Per VM: the time of each
# stage (the --machine-readable stage events, timestamped as they
# arrive), the copy's seconds per GiB of output data against the test
# guest's, the bytes read from the source / the output's data, whether
# the disks copied at the same time (their copy events overlap), and
# whether the result boots with all its disks and mounts them all (the
# marker's V2VBOOT-MOUNTS).  Prints a markdown table (docs/bench.md,
# "Part 6") and the targets; fails only when a result does not boot.
#
# Not in CI's bench: with --from-bench (make bench) it runs only when
# BENCH_SCALE=1 or BENCH_MATRIX is all (its default outside CI, as
# bench-matrix.sh reads it).  make bench-scale runs it always.
# BENCH_SCALE_VMS="smallvm fourvm" runs only those rows (smallvm, the
# reference of the ratios, always runs).  BENCH_SCALE_CAP_MIB=N reads the
# source through rate-proxy.py, each connection capped at N MiB/s (as
# bench-ratelimit.sh): the copy then waits on the source, as on an ESXi,
# not on this machine's cores.
source "$(dirname "$0")/../functions.sh"
source "$(dirname "$0")/rate-proxy.sh"
requires which nbdkit qemu-img qemu-system-x86_64 nginx python3 sfdisk mke2fs

if [ "${1:-}" = --from-bench ] && [ "${BENCH_SCALE:-}" != 1 ] &&
       [ "${BENCH_MATRIX:-$(in_ci && echo ci || echo all)}" != all ]; then
    echo "bench-scale: not run (BENCH_SCALE=1 or BENCH_MATRIX=all runs it; make bench-scale)" >&2
    exit 0
fi

# The VMs: name, builder and its layout argument (- for build-guest.sh),
# disks, MAC, the mount points the boot must show.
vms=(
    "smallvm build-guest.sh -      1 00:50:56:8a:3c:71 /"
    "bigvm   build-guest-scale.sh --big  1 00:50:56:8a:3c:72 / /srv/data"
    "fourvm  build-guest-scale.sh --four 4 00:50:56:8a:3c:73 / /srv/d1 /srv/d2 /srv/d3"
)

if [ -n "${BENCH_SCALE_VMS:-}" ]; then
    keep=()
    for v in "${vms[@]}"; do
        [ "${v%% *}" = smallvm ] || [[ " $BENCH_SCALE_VMS " == *" ${v%% *} "* ]] && keep+=("$v")
    done
    vms=("${keep[@]}")
fi

start_nginx
src_port=$NGINX_PORT src_said="nginx, 127.0.0.1"
if [ -n "${BENCH_SCALE_CAP_MIB:-}" ]; then
    start_rate_proxy "$BENCH_SCALE_CAP_MIB"
    src_port=$PROXY_PORT src_said="nginx, 127.0.0.1, each connection capped at $BENCH_SCALE_CAP_MIB MiB/s"
fi

# put_scale_vm VM BUILDER LAYOUT DISKS MAC: the VM's disks (VM-flat.vmdk,
# VM_1-flat.vmdk, ...), each with its descriptor, and a .vmx naming them
# as scsi0:0, scsi0:1, ...
put_scale_vm () {
    local vm=$1 dir=$DATASTORE/$1 i files=()
    mkdir -p "$dir"
    files=("$dir/$vm-flat.vmdk")
    for (( i = 1; i < $4; i++ )); do files+=("$dir/${vm}_$i-flat.vmdk"); done
    if [ "$3" = - ]; then cached_build "$top/tests/guest/$2" "${files[@]}" >&2
    else cached_build "$top/tests/guest/$2" "$3" "${files[@]}" >&2; fi
    put_vmx_on_datastore "$vm" "$5"
    sed -i '/^sata0:0\./d' "$dir/$vm.vmx"
    for (( i = 1; i < $4; i++ )); do
        printf 'scsi0:%d.present = "TRUE"\nscsi0:%d.fileName = "%s.vmdk"\nscsi0:%d.deviceType = "scsi-hardDisk"\n' \
            $i $i "${vm}_$i" $i >>"$dir/$vm.vmx"
        sed "s/$vm-flat.vmdk/${vm}_$i-flat.vmdk/; s/^RW [0-9]*/RW $(( $(stat -c %s "$dir/${vm}_$i-flat.vmdk") / 512 ))/" \
            "$dir/$vm.vmdk" >"$dir/${vm}_$i.vmdk"
    done
}

# convert VM DIR: the agent's events in DIR/events, each line prefixed
# by the time it arrived; its log in DIR/run.log; the end in DIR/end;
# the source's bytes served when the copy began in DIR/at-copy.
convert () {
    local vm=$1 dir=$2 rc=0
    mkdir -p "$dir/out" "$dir/wd"
    cat >"$dir/ks" <<KS
source --type=https --server=127.0.0.1:$src_port --user=$USER \\
       --password-file=$PASSWORD_FILE --cacert=$CERT
vm --vmx="[datastore1] $vm/$vm.vmx"
destination --type=local --dir=$dir/out --format=qcow2
network --map="VM Network=default"
KS
    : >"$NGINX_DIR/access.log"
    echo "$EPOCHREALTIME" >"$dir/start"
    "$agent" run -k "$dir/ks" --workdir "$dir/wd" --machine-readable 2>"$dir/run.log" |
        while IFS= read -r l; do
            printf '%s %s\n' "$EPOCHREALTIME" "$l"
            [[ $l != *'"stage":"copy","disk":0'* ]] || nginx_bytes "$src_pat" >"$dir/at-copy"
        done >"$dir/events" ||
        rc=$?
    echo "$EPOCHREALTIME" >"$dir/end"
    [ "$rc" = 0 ] || { tail -20 "$dir/run.log" >&2; fail "$vm: conversion failed"; }
}

# stages DIR: "STAGES COPY-SECONDS PARALLEL WALL" from DIR's events:
# each stage as name_seconds, comma-separated (copy's summed over the
# disks), the copy stages' seconds, whether two disks' copies overlapped
# in time (yes/no/- for one disk), and the run's seconds.
stages () {
    python3 - "$1" <<'PY'
import json, sys
d = sys.argv[1]
start = float(open(d + "/start").read()); end = float(open(d + "/end").read())
ev = []
for line in open(d + "/events"):
    t, j = line.split(" ", 1)
    ev.append((float(t), json.loads(j)))
marks = [(t, e) for t, e in ev if e.get("event") in ("stage", "done", "summary")]
order, secs, spans = [], {}, {}
for i, (t, e) in enumerate(marks):
    if e["event"] != "stage":
        continue
    nxt = marks[i + 1][0] if i + 1 < len(marks) else end
    name = e["stage"]
    if name not in secs:
        order.append(name); secs[name] = 0.0
    secs[name] += nxt - t
    if name == "copy":
        spans[e["disk"]] = [t, nxt]
# A disk's copy lasts from its stage event to its last copy event.
last = {}
for t, e in ev:
    if e.get("event") == "copy":
        last[e["disk"]] = t
for k in spans:
    spans[k][1] = last.get(k, spans[k][1])
s = sorted(spans.values())
par = "-" if len(s) < 2 else ("yes" if any(b[0] < a[1] - 0.5 for a, b in zip(s, s[1:])) else "no")
print(",".join("%s %.0f" % (n, secs[n]) for n in order).replace(" ", "_"), "%.1f" % secs.get("copy", 0), par,
      "%.0f" % (end - start))
PY
}

# mounted LOG MOUNT...: the boot marker's V2VBOOT-MOUNTS names each MOUNT.
mounted () {
    local log=$1 m seen; shift
    seen=$(sed -n 's/^V2VBOOT-MOUNTS: //p' "$log" | tr -d '\r' | head -1)
    for m in "$@"; do
        [[ " $seen " == *" $m "* ]] || { echo "no $m in: $seen"; return 1; }
    done
    echo "mounts $seen"
}

gib=1073741824 src_pat="/folder/.*-flat[.]vmdk"
rows=() boot_fail= small_spg=
for v in "${vms[@]}"; do
    read -r vm builder layout ndisks mac mounts <<<"$v"
    log "scale: $vm: the guest"
    put_scale_vm "$vm" "$builder" "$layout" "$ndisks" "$mac"
    size=$(du -cb --apparent-size "$DATASTORE/$vm"/*-flat.vmdk | tail -1 | cut -f1)
    log "scale: $vm: conversion"
    d=$T/$vm
    convert "$vm" "$d"
    read -r stage_list copy_s parallel wall <<<"$(stages "$d")"
    src=$(nginx_bytes "$src_pat")
    # What the copy read: the overlay holds what the conversion read.
    copy_src=$(( src - $(cat "$d/at-copy") ))
    mapfile -t disks < <(ls "$d"/out/*-sd?.qcow2)
    [ "${#disks[@]}" = "$ndisks" ] || fail "$vm: ${#disks[@]} output disks, not $ndisks"
    data=$(disks_data_bytes "${disks[@]}")
    spg=$(echo "scale=2; $copy_s * $gib / $data" | bc)
    [ -n "$small_spg" ] || small_spg=$spg
    log "scale: $vm: $stage_list; copy ${copy_s} s for $data bytes; booting"
    xml=$(ls "$d"/out/*.xml)
    bmac=$(grep -o "mac address='[^']*'" "$xml" | head -1 | cut -d"'" -f2)
    # shellcheck disable=SC2086
    if BOOT_MAC=$bmac BOOT_MORE_DISKS="${disks[*]:1}" boot_disk "${disks[0]}" qcow2 "$d/boot.log" 900 &&
            seen=$(mounted "$d/boot.log" $mounts); then
        boots="yes, $seen"
    else
        boots="no: ${seen:-no marker}"; boot_fail="$boot_fail $vm"
        tail -c 1500 "$d/boot.log" >&2 || :
    fi
    row="| $vm | $ndisks | $(( size / gib )) GiB | $(( data / 1048576 )) MiB | $(echo "$stage_list" | sed 's/,/, /g; s/_/ /g') | $wall s | $copy_s s | $spg s | $(echo "scale=2; $spg / $small_spg" | bc) | $(echo "scale=3; $src / $data" | bc) | $(( copy_src / 1048576 )) MiB, $(echo "$copy_src / 1048576 / $copy_s" | bc) MiB/s | $parallel | $boots |"
    echo "scale row: $row" >&2
    rows+=("$row")
    eval "ratio_$vm=$(echo "scale=3; $spg / $small_spg" | bc)"
    eval "par_$vm=$parallel"
done

cat <<REPORT

== v2vboot bench, scale: data, disk size and disk count, HTTPS ($src_said), TCG, $(nproc) cores, $(date -u +%Y-%m-%d)
| VM | disks | virtual size | output data | stages (s) | wall | copy | copy s/GiB of data | vs smallvm | source read / output data | read in the copy, its rate | disks copied in parallel | boots with all disks |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
$(printf '%s\n' "${rows[@]}")
REPORT

target () { if [ "$2" = 1 ]; then echo "target met:    $1"; else echo "target MISSED: $1"; fi; }
echo
# shellcheck disable=SC2154
[ -z "${ratio_bigvm:-}" ] ||
    target "copy s/GiB of the 32 GiB guest within 10% of the test guest's ($ratio_bigvm)" \
        "$(echo "$ratio_bigvm <= 1.10" | bc)"
# shellcheck disable=SC2154
[ -z "${ratio_fourvm:-}" ] || {
    target "copy s/GiB of the 4-disk guest within 10% of the test guest's ($ratio_fourvm)" \
        "$(echo "$ratio_fourvm <= 1.10" | bc)"
    target "the 4 disks of one VM copy in parallel ($par_fourvm)" "$([ "$par_fourvm" = yes ] && echo 1)"
}
[ -z "$boot_fail" ] || fail "does not boot with all its disks:$boot_fail"
