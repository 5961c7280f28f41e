#!/bin/bash
# The core path: the VMware-like guest from the nginx "ESXi" over HTTPS
# (CA file, basic auth) into a directory as qcow2.  Proves: exit 0, JSON
# events, the converted disk boots on virtio-blk with its NIC name, the
# boot path names no old disk, VMware Tools are gone, the source is
# unchanged, and the password never shows in ps, logs or events.  With
# --verify-boot: the verification finds it booted (NIC frames, login
# prompt), leaves its screenshot beside it, and leaves the converted disk
# as it was when the verify stage began (checksums).
source "$(dirname "$0")/../functions.sh"
requires which nbdkit qemu-img qemu-system-x86_64 nginx virt-xml-validate

start_nginx
put_guest_on_datastore testvm
src=$DATASTORE/testvm/testvm-flat.vmdk
before=$(sha256sum <"$src")
dest=$T/out; mkdir -p "$dest" "$T/wd"
write_ks "$T/ks" testvm "$dest" --cacert="$CERT"
echo "options --verify-boot --verify-timeout=240" >>"$T/ks"
password=$(cat "$PASSWORD_FILE")

log "converting"
"$agent" run --kickstart "$T/ks" --machine-readable --workdir "$T/wd" -v \
    >"$T/events.json" 2>"$T/agent.log" &
pid=$!
# Watch every process's argv while the conversion runs.
# The converted disk as the verify stage finds it (the boot takes tens of
# seconds to reach the kernel: the checksum is taken before it could write).
disk=$dest/testvm-kvm-sda.qcow2 at_verify=
while kill -0 $pid 2>/dev/null; do
    ps -eo args >>"$T/ps.log"
    if [ -z "$at_verify" ] && grep -q '"stage":"verify"' "$T/events.json"; then
        at_verify=$(sha256sum <"$disk")
    fi
    sleep 0.5
done
wait $pid || { tail -20 "$T/agent.log"; fail "agent exited $?"; }
[ -n "$at_verify" ] || fail "no verify stage seen"
[ "$(sha256sum <"$disk")" = "$at_verify" ] || fail "the verification changed the converted disk"


log "no secret anywhere"
grep -qF -- "$password" "$T/ps.log" && fail "password in ps output"
grep -qF -- "$password" "$T/agent.log" "$T/events.json" && fail "password in logs or events"
grep -q 'nbdkit.*password=+' "$T/ps.log" || fail "ps sampling did not see nbdkit (test is blind)"

log "events"
python3 - "$T/events.json" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
stages = [e["stage"] for e in evs if e["event"] == "stage"]
want = ["destination", "source", "overlay", "inspect", "convert", "fstrim",
        "size-check", "copy", "define", "verify"]
assert stages == want, stages
copies = [e for e in evs if e["event"] == "copy"]
assert copies and copies[-1]["done"] == copies[-1]["total"] > 100 << 20, copies[-1:]
assert evs[-2]["event"] == "done" and evs[-2]["ok"] is True, evs[-2]
assert evs[-1]["event"] == "summary" and evs[-1]["ok"] is True, evs[-1]
assert evs[-1]["converted"] == 1 and evs[-1]["vms"][0]["name"] == "testvm-kvm", evs[-1]
done, vm = evs[-2], evs[-1]["vms"][0]
assert done["booted"] is True and vm["booted"] is True, (done, vm)
assert done["verify"].startswith("booted in ") and "login prompt on ttyS0" in done["verify"], done
# The guest raises ens192 (a static address): its kernel's IPv6 sends
# router solicitations and duplicate address detection on the isolated hub.
sent = int(done["verify"].split("NIC sent ")[1].split()[0])
assert sent > 0, done["verify"]
assert "verify: booted in" in done["message"], done
assert vm["screenshot"] == done["screenshot"] and done["screenshot"].endswith("/testvm-kvm-verify.png"), (done, vm)
print("verify:", done["verify"])
PY
file "$dest/testvm-kvm-verify.png" | grep -q 'PNG image data' || fail "no PNG screenshot"

log "destination holds exactly the disk and the XML"
[ "$(ls -A "$dest" | sort | tr '\n' ' ')" = "testvm-kvm-sda.qcow2 testvm-kvm-verify.png testvm-kvm.xml " ] ||
    fail "unexpected files: $(ls -A "$dest")"
[ -z "$(ls -A "$T/wd")" ] || fail "work directory left behind: $(ls -A "$T/wd")"
virt-xml-validate "$dest/testvm-kvm.xml" domain >&2 || fail "invalid domain XML"
grep -q "<memory unit='MiB'>1024</memory>" "$dest/testvm-kvm.xml" || fail "memory"
grep -q "<vcpu>2</vcpu>" "$dest/testvm-kvm.xml" || fail "vcpus"

log "source unchanged"
[ "$(sha256sum <"$src")" = "$before" ] || fail "source disk changed"

log "what the conversion wrote"
guestfish --ro -a "$dest/testvm-kvm-sda.qcow2" -i <<'GF' >"$T/files.txt"
echo ==fstab
cat /etc/fstab
echo ==default-grub
cat /etc/default/grub
echo ==grub.cfg
cat /boot/grub/grub.cfg
echo ==vmware
exists /etc/vmware-tools
exists /usr/bin/vmware-uninstall-tools.pl
echo ==modules
cat /etc/initramfs-tools/modules
echo ==link
cat /etc/systemd/network/70-v2vboot-ens192.link
GF
grep -q '^UUID=[0-9a-f-]* / ext4' "$T/files.txt" || fail "fstab root not by UUID"
grep -q 'GRUB_DISABLE_LINUX_UUID=false' "$T/files.txt" || fail "/etc/default/grub"
grep -q 'root=UUID=' "$T/files.txt" || fail "grub.cfg root not by UUID"
grep -Eq '/dev/(sd|hd)[a-z]' "$T/files.txt" && fail "an old disk name survived: $(grep -E '/dev/(sd|hd)[a-z]' "$T/files.txt")"
[ "$(sed -n '/==vmware/,/==modules/p' "$T/files.txt" | grep -c false)" = 2 ] || fail "VMware Tools not removed"
grep -q '^virtio_blk$' "$T/files.txt" || fail "virtio_blk not in initramfs modules"

log "boots on virtio-blk"
BOOT_MAC=$(grep -o "mac address='[^']*'" "$dest/testvm-kvm.xml" | cut -d"'" -f2)
boot_disk "$dest/testvm-kvm-sda.qcow2" qcow2 "$T/boot.log" ||
    { tail -30 "$T/boot.log"; fail "converted guest did not boot on virtio-blk"; }
grep -q 'V2VBOOT-ROOT: /dev/vda1' "$T/boot.log" || fail "root is not /dev/vda1"
grep -q "V2VBOOT-NIC: ens192 $BOOT_MAC" "$T/boot.log" || fail "NIC did not keep its name ens192"
log "source read $(nginx_bytes folder) bytes over HTTPS"
