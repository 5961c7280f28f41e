#!/bin/bash
# make bench, the guest matrix: each test guest converted by v2vboot and
# by virt-v2v 2.2 from the same .vmx-described VM, then each result
# booted on virtio-blk under the firmware its own domain XML names (for
# UEFI, OVMF with fresh, empty variables, as a new domain gets them),
# with the NIC and MAC that domain names.  Records, per guest and tool:
# converted (or the tool's error), boots (with the marker's root,
# filesystem, firmware, NIC name, MAC and address; or where the boot
# stopped), the wall time of the conversion and the output's data bytes.
# Prints a markdown table (docs/bench.md, "Part 4"); fails, as part 1
# does, only when a result of v2vboot does not boot.
#
# Which guests: BENCH_MATRIX=all (the default), ci (the default when CI
# is set: the one guest CI's time budget holds, see docs/bench.md), none,
# or a list of guest names from the table below.  Each guest costs two
# conversions and two boots: 10-25 min under TCG.
#
# virt-v2v reads the .vmx and its disks as local files (-i vmx FILE:
# the firmware, disks and NIC from the .vmx, as v2vboot reads them; its
# vmx+ssh:// form is not measured).  v2vboot reads the same files from
# nginx over HTTPS on 127.0.0.1.
source "$(dirname "$0")/../functions.sh"
requires which virt-v2v nbdkit qemu-img qemu-system-x86_64 nginx virsh python3

# The guests: name, builder (tests/guest/), VM name, MAC, guestOS,
# firmware line of the .vmx (- for BIOS), LUKS passphrase file in
# tests/guest/ (- for none: given to both tools, and typed at the
# guest's prompt when it boots) and the encrypted device (virt-v2v 2.2's
# --key needs its libguestfs name; v2vboot tries the key on every one).
guests=(
    "debian12-bios-ext4   build-guest.sh        testvm  00:50:56:8a:3c:2b debian12-64 - - -"
    "debian13-uefi-xfs-lvm build-guest-uefi.sh  uefivm  00:50:56:8a:3c:4d debian12-64 efi - -"
    "debian11-bios-btrfs  build-guest-btrfs.sh  btrfsvm 00:50:56:8a:3c:5e debian11-64 - - -"
    "debian12-bios-luks   build-guest-luks.sh   luksvm  00:50:56:8a:3c:6a debian12-64 - luks-files/passphrase /dev/sda2"
)
# CI runs the UEFI guest only: part 1 already measures virt-v2v on the
# Debian 12 BIOS guest, and UEFI is the shape most estates have and where
# the two tools differ most (what a new domain's empty variables boot).
ci_guests="debian13-uefi-xfs-lvm"

want=${BENCH_MATRIX:-$(in_ci && echo ci || echo all)}
case $want in
    none) echo "bench-matrix: BENCH_MATRIX=none, nothing to do" >&2; exit 0 ;;
    all) want=$(for g in "${guests[@]}"; do echo "${g%% *}"; done) ;;
    ci) want=$ci_guests ;;
esac
for w in $want; do
    printf '%s\n' "${guests[@]}" | grep -q "^$w " ||
        fail "BENCH_MATRIX: no guest $w (all, ci, none, or names from tests/bench/bench-matrix.sh)"
done

start_nginx

data_mib () {
    qemu-img map --output=json "$1" |
        python3 -c 'import json,sys; print("%.0f" % (sum(e["length"] for e in json.load(sys.stdin) if e["data"]) / 1048576))'
}
now () { date +%s.%N; }
secs () { printf '%.0f' "$(echo "$(now) - $1" | bc)"; }

# put_matrix_guest NAME BUILDER VM MAC OS FIRMWARE: VM on the datastore,
# with its .vmx and descriptor.
put_matrix_guest () {
    mkdir -p "$DATASTORE/$3"
    cached_build "$top/tests/guest/$2" "$DATASTORE/$3/$3-flat.vmdk" >&2
    put_vmx_on_datastore "$3" "$4" "$5"
    [ "$6" = - ] || echo "firmware = \"$6\"" >>"$DATASTORE/$3/$3.vmx"
    # No CD-ROM: virt-v2v would look for the ISO, which is not there.
    sed -i '/^sata0:0\./d' "$DATASTORE/$3/$3.vmx"
}

# The guest's LUKS key in a 0600 file of dir, or nothing (KEYFILE).
put_key () {
    KEYFILE=
    [ "$1" = - ] && return
    KEYFILE=$2/luks-key
    install -m 600 "$top/tests/guest/$1" "$KEYFILE"
}

# convert_v2vboot VM DIR KEY: sets DISK, XML, SECS, ERR.
convert_v2vboot () {
    local vm=$1 dir=$2 start
    mkdir -p "$dir/out" "$dir/wd"
    put_key "$3" "$dir"
    cat >"$dir/ks" <<KS
source --type=https --server=127.0.0.1:$NGINX_PORT --user=$USER \\
       --password-file=$PASSWORD_FILE --cacert=$CERT
vm --vmx="[datastore1] $vm/$vm.vmx"
destination --type=local --dir=$dir/out --format=qcow2
network --map="VM Network=default"
${KEYFILE:+luks --key-file=$KEYFILE}
KS
    start=$(now)
    DISK= XML= ERR=
    if "$agent" run -k "$dir/ks" --workdir "$dir/wd" 2>"$dir/run.log"; then
        DISK=$(ls "$dir"/out/*-sda.qcow2) XML=$(ls "$dir"/out/*.xml)
    else
        ERR=$(grep -v '^ ' "$dir/run.log" | tail -1 || :)
    fi
    SECS=$(secs "$start")
}

# convert_virt_v2v VM DIR KEY DEV: sets DISK, XML, SECS, ERR, WARN.
convert_virt_v2v () {
    local vm=$1 dir=$2 start
    local -a key=()
    mkdir -p "$dir/out"
    put_key "$3" "$dir"
    [ -z "$KEYFILE" ] || key=(--key "$4:file:$KEYFILE")
    start=$(now)
    DISK= XML= ERR= WARN=
    if virt-v2v -i vmx "$DATASTORE/$vm/$vm.vmx" -on "$vm" "${key[@]}" \
            -o local -os "$dir/out" -of qcow2 >"$dir/run.log" 2>&1; then
        DISK=$dir/out/$vm-sda XML=$dir/out/$vm.xml
    else
        ERR=$(grep 'virt-v2v: error:' "$dir/run.log" | head -1 || :)
        [ -n "$ERR" ] || ERR=$(tail -1 "$dir/run.log")
    fi
    SECS=$(secs "$start")
    WARN=$(grep -o 'virt-v2v: warning: .*' "$dir/run.log" | head -3 | paste -sd';' || :)
}

# boot_result DISK XML LOG KEY: boots DISK as XML says (firmware, MAC),
# typing the LUKS passphrase (KEY) at its prompt; sets BOOTS (yes/no),
# SEEN (the marker's lines, or where it stopped).
boot_result () {
    local disk=$1 xml=$2 log=$3 fw mac code= vars= start on= text=
    if [ "$4" != - ]; then
        on="Please unlock" text=$(cat "$top/tests/guest/$4")
    fi
    fw=$(V2VBOOT_KEEP= "$top/tests/bench/uefi-firmware.sh" "$xml") ||
        { BOOTS=no SEEN="not booted: tests/bench/uefi-firmware.sh failed on its domain XML"; return; }
    [ -z "$fw" ] || read -r code vars <<<"$fw"
    mac=$(grep -o "mac address='[^']*'" "$xml" | head -1 | cut -d"'" -f2 || :)
    # A NIC without a MAC (virt-v2v 2.2 -i vmx drops the source's) gets
    # one of libvirt's own (52:54:00:...) when the domain is defined.
    [ -n "$mac" ] || ! grep -q '<interface' "$xml" || mac=52:54:00:00:00:01
    start=$(now)
    if BOOT_UEFI_CODE=$code BOOT_UEFI_VARS=$vars BOOT_MAC=$mac \
            BOOT_TYPE_ON=$on BOOT_TYPE_TEXT=$text \
            boot_disk "$disk" qcow2 "$log" 900; then
        BOOTS=yes
        SEEN=$(python3 - "$log" <<'PY'
import sys
m = {}
nics = []
for l in open(sys.argv[1], errors='replace'):
    l = l.strip()
    if l.startswith('V2VBOOT-NIC: ') and not l.startswith('V2VBOOT-NIC: lo '):
        nics.append(' '.join(l[13:].split()))
    elif l.startswith('V2VBOOT-') and ': ' in l:
        k, v = l.split(': ', 1)
        m.setdefault(k[8:], v.strip())
out = ['root ' + m.get('ROOT', '?')]
if 'ROOTFS' in m: out.append(m['ROOTFS'])
if 'FIRMWARE' in m: out.append(m['FIRMWARE'])
out += ['NIC ' + n for n in nics] or ['no NIC']
print(', '.join(out))
PY
)
    else
        BOOTS=no
        if grep -q 'Shell> ' "$log"; then
            SEEN="stops in the UEFI shell"
        elif grep -q '(initramfs)' "$log"; then
            SEEN="initramfs shell: $(grep -m1 -o 'ALERT!.*' "$log" | tr -d '\r' || echo '?')"
        elif grep -q 'Kernel panic' "$log"; then
            SEEN="$(grep -m1 -o 'Kernel panic.*' "$log" | tr -d '\r' || :)"
        else
            SEEN="no marker, no shell"
        fi
    fi
    SEEN="$(echo "$SEEN" | tr -s ' ') (in $(secs "$start") s)"
    SEEN=${SEEN//|/\\|}
}

rows=() ours_fail=
for w in $want; do
    line=$(printf '%s\n' "${guests[@]}" | grep "^$w ")
    read -r name builder vm mac os fw key dev <<<"$line"
    log "matrix: $name"
    put_matrix_guest "$name" "$builder" "$vm" "$mac" "$os" "$fw"
    for tool in v2vboot virt-v2v; do
        d=$T/$name/$tool
        mkdir -p "$d"
        log "matrix: $name: $tool"
        WARN=
        if [ $tool = v2vboot ]; then convert_v2vboot "$vm" "$d" "$key"
        else convert_virt_v2v "$vm" "$d" "$key" "$dev"; fi
        if [ -n "$DISK" ] && [ -f "$DISK" ]; then
            conv=yes size="$(data_mib "$DISK") MiB"
            log "matrix: $name: $tool: converted in $SECS s; booting"
            boot_result "$DISK" "$XML" "$d/boot.log" "$key"
            grep 'V2VBOOT-' "$d/boot.log" >&2 || tail -c 1500 "$d/boot.log" >&2 || :
        else
            conv="no: ${ERR//|/\\|}" size=- BOOTS=- SEEN=
        fi
        [ -z "$WARN" ] || conv="$conv (${WARN//|/\\|})"
        row="| $name | $tool | $conv | $BOOTS${SEEN:+: $SEEN} | $SECS s | $size |"
        echo "matrix row: $row" >&2
        rows+=("$row")
        [ $tool != v2vboot ] || [ "$BOOTS" = yes ] || ours_fail="$ours_fail $name"
    done
done

cat <<REPORT

== v2vboot bench, guest matrix: v2vboot against virt-v2v $(virt-v2v --version | awk '{print $2}'), TCG, $(nproc) cores, $(date -u +%Y-%m-%d)
| guest | tool | converted | boots on virtio-blk (marker) | conversion wall time | output data |
| --- | --- | --- | --- | --- | --- |
$(printf '%s\n' "${rows[@]}")
REPORT
# As part 1: a measurement, except that v2vboot's results must boot.
[ -z "$ours_fail" ] || fail "v2vboot's result does not boot:$ours_fail"
