#!/bin/bash
# A Debian 12 BIOS guest with / on ext4 in LUKS2 (/dev/sda2, named by
# /dev/sda2 in /etc/crypttab), /boot on /dev/sda1, and a static address on
# ens192 in NetworkManager's keyfile form (tests/guest/
# build-guest-luks.sh).  Served from nginx as a .vmx-described VM:
#   - without a luks command the run stops at inspect, naming the device;
#   - with a wrong key it stops there too, naming the device;
#   - with the key in a 0600 file (luks --key-file) it converts, and the
#     key is nowhere in the log (-v), the events, the summary, the work
#     directory or any process's argv during the run;
# then the converted disk boots on virtio-blk with the passphrase typed on
# the serial console where cryptsetup asks for it: root on
# /dev/mapper/sda2_crypt, ext4, BIOS, ens192 with its MAC and
# 192.168.122.52/24.  The unconverted disk, with the passphrase typed the
# same way, must not boot.  Two appliance launches that fail early, one
# conversion (4-6 min under TCG) and two boots.
source "$(dirname "$0")/../functions.sh"
requires which nbdkit qemu-img qemu-system-x86_64 nginx

vm=luksvm
mac=00:50:56:8a:3c:6a
pass=$(cat "$top/tests/guest/luks-files/passphrase")
start_nginx
mkdir -p "$DATASTORE/$vm" "$T/out" "$T/wd"
start=$SECONDS
cached_build "$top/tests/guest/build-guest-luks.sh" "$DATASTORE/$vm/$vm-flat.vmdk" >&2
log "guest ready in $(( SECONDS - start )) s"
put_vmx_on_datastore "$vm" "$mac" debian12-64

# ks FILE [LINE]: the kickstart of this VM, with one more line.
ks () {
    cat >"$1" <<KS
source --type=https --server=127.0.0.1:$NGINX_PORT --user=$USER \\
       --password-file=$PASSWORD_FILE --cacert=$CERT
vm --vmx="[datastore1] $vm/$vm.vmx"
destination --type=local --dir=$T/out
network --map="VM Network=default"
${2:-}
KS
}

log "without the key: refused at inspect"
ks "$T/nokey.ks"
start=$SECONDS
! "$agent" run -k "$T/nokey.ks" --workdir "$T/wd" --machine-readable \
    >"$T/nokey.events" 2>"$T/nokey.log" || fail "a LUKS guest converted without its key"
log "refused in $(( SECONDS - start )) s"
grep -q '"event":"error","stage":"inspect"' "$T/nokey.events" ||
    { cat "$T/nokey.events"; fail "not refused at the inspect stage"; }
grep -qF '/dev/sda2 is LUKS-encrypted: give its key with luks --key-file=FILE' "$T/nokey.log" ||
    { cat "$T/nokey.log"; fail "the refusal does not name /dev/sda2 and luks --key-file"; }
! grep -q '"stage":"copy"' "$T/nokey.events" || fail "the copy started"
[ -z "$(ls "$T/out")" ] || fail "the refused run left files in the destination: $(ls "$T/out")"

log "with a wrong key: refused at inspect"
printf 'not-the-key\n' >"$T/wrong-key"
chmod 600 "$T/wrong-key"
ks "$T/wrong.ks" "luks --key-file=$T/wrong-key"
! "$agent" run -k "$T/wrong.ks" --workdir "$T/wd" --machine-readable \
    >"$T/wrong.events" 2>"$T/wrong.log" || fail "a wrong key converted"
grep -q '"event":"error","stage":"inspect"' "$T/wrong.events" ||
    { cat "$T/wrong.events"; fail "wrong key: not refused at the inspect stage"; }
grep -qF '/dev/sda2: the LUKS key does not open it' "$T/wrong.log" ||
    { cat "$T/wrong.log"; fail "wrong key: the error does not name /dev/sda2"; }
! grep -qF 'not-the-key' "$T/wrong.log" "$T/wrong.events" || fail "the wrong key is in the log"
[ -z "$(ls "$T/out")" ] || fail "the wrong-key run left files in the destination"

log "with the key: conversion of $vm"
printf '%s\n' "$pass" >"$T/luks-key"
chmod 600 "$T/luks-key"
ks "$T/ks" "luks --key-file=$T/luks-key"
"$agent" dump-config -k "$T/ks" >"$T/dump.ks" || fail "dump-config failed"
grep -q "^luks --key-file=$T/luks-key" "$T/dump.ks" || fail "dump-config has no luks line"
# Every process's argv, sampled while the run lasts (the pattern from the
# file, so that the sampler's own grep does not carry it).
( set +e; while :; do cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\0' ' ' | grep -F -f "$T/luks-key" >>"$T/argv-hits"; sleep 0.5; done ) &
sampler=$!
cleanup_fn "kill $sampler 2>/dev/null"
start=$SECONDS
V2VBOOT_KEEP_WORKDIR=1 "$agent" run -v -k "$T/ks" --workdir "$T/wd" --machine-readable \
    --summary "$T/summary.json" >"$T/events" 2>"$T/run.log" ||
    { tail -30 "$T/run.log"; fail "run failed"; }
kill $sampler 2>/dev/null || :; wait $sampler 2>/dev/null || :
log "converted in $(( SECONDS - start )) s"
grep -q '/dev/sda2: LUKS device opened as /dev/mapper/sda2_crypt, as /etc/crypttab names it' "$T/run.log" ||
    { cat "$T/run.log"; fail "the LUKS device was not reopened under its crypttab name"; }
grep -q '/etc/crypttab: 1 disk name replaced' "$T/run.log" ||
    { cat "$T/run.log"; fail "crypttab: /dev/sda2 not replaced"; }
grep -q '/etc/fstab: 1 disk name replaced' "$T/run.log" ||
    { cat "$T/run.log"; fail "fstab: /boot not replaced"; }
grep -q 'rebuilding the initramfs of' "$T/run.log" || fail "no initramfs rebuilt"
! grep -q 'still names' "$T/run.log" || { cat "$T/run.log"; fail "an old disk name is left"; }

log "the key is nowhere"
[ ! -s "$T/argv-hits" ] || fail "the LUKS key was in a process's argv"
for f in "$T/run.log" "$T/events" "$T/summary.json" "$T/dump.ks" "$T/out"/*.xml; do
    ! grep -qF -- "$pass" "$f" || fail "the LUKS key is in $f"
done
[ -n "$(find "$T/wd" -type f)" ] || fail "the work directory was not kept: the check is blind"
! grep -rlF -- "$pass" "$T/wd" || fail "the LUKS key is in a file of the work directory"

disk=$(ls "$T/out"/*-sda.qcow2)
grep -q "<mac address='$mac'/>" "$T/out"/*.xml || fail "source MAC not kept"

log "the unconverted disk on virtio-blk"
! BOOT_TYPE_ON="Please unlock" BOOT_TYPE_TEXT=$pass \
    boot_disk "$DATASTORE/$vm/$vm-flat.vmdk" raw "$T/boot-old.log" 240 ||
    fail "the unconverted disk booted on virtio-blk: the test proves nothing"

log "the converted disk, with the passphrase typed on the console"
start=$SECONDS
BOOT_MAC=$mac BOOT_TYPE_ON="Please unlock" BOOT_TYPE_TEXT=$pass \
    boot_disk "$disk" qcow2 "$T/boot.log" 600 ||
    { tail -c 3000 "$T/boot.log"; fail "the converted disk did not boot"; }
log "converted: booted in $(( SECONDS - start )) s"
grep 'V2VBOOT-' "$T/boot.log" >&2
grep -q 'Please unlock' "$T/boot.log" || fail "cryptsetup never asked: root not in LUKS?"
grep -q "V2VBOOT-ROOT: /dev/mapper/sda2_crypt" "$T/boot.log" || fail "root not /dev/mapper/sda2_crypt"
grep -q "V2VBOOT-ROOTFS: ext4" "$T/boot.log" || fail "root not ext4"
grep -q "V2VBOOT-FIRMWARE: bios" "$T/boot.log" || fail "not booted by BIOS"
grep -q "V2VBOOT-NIC: ens192 $mac 192.168.122.52/24" "$T/boot.log" ||
    fail "ens192 lost its MAC or its static address (NetworkManager keyfile)"
grep -q "V2VBOOT-MOUNTS: .*/boot" "$T/boot.log" || fail "/boot not mounted"
