#!/bin/bash
# A UEFI guest as a distribution installer leaves it on VMware: grub only
# in \EFI\debian\ (its boot entry was in VMware's NVRAM), / on XFS in
# LVM, /boot, the ESP and swap named /dev/sdX in fstab, a static address
# on ens192 (tests/guest/build-guest-uefi.sh).  Served from nginx as a
# .vmx-described VM with firmware = "efi", converted into a directory,
# then booted on virtio-blk under the firmware the domain XML makes
# libvirt pick, with fresh, empty variables as a new domain gets them:
# the converted disk boots with its root, filesystem, firmware, NIC name
# and address; the unconverted one stops in the UEFI shell.  The copy
# read and wrote only used blocks (every filesystem trimmed, the VG's
# free extents and the XFS log's empty part skipped).
# One conversion (3-4 min under TCG, 10-14 min on a loaded machine) and
# two boots (30 s to the shell; 1-2 min to the marker, 6 min loaded).
source "$(dirname "$0")/../functions.sh"
requires which nbdkit qemu-img qemu-system-x86_64 nginx virsh python3
requires test -d /usr/share/qemu/firmware

vm=uefivm
mac=00:50:56:8a:3c:4d
start_nginx
mkdir -p "$DATASTORE/$vm"
start=$SECONDS
cached_build "$top/tests/guest/build-guest-uefi.sh" "$DATASTORE/$vm/$vm-flat.vmdk" >&2
log "guest ready in $(( SECONDS - start )) s"
put_vmx_on_datastore "$vm" "$mac" debian12-64
echo 'firmware = "efi"' >>"$DATASTORE/$vm/$vm.vmx"
convert_guest_vm "$vm"
# Only used blocks: the ESP, /boot and / trimmed, the VG's free extents
# discarded, the XFS log's empty part skipped.
check_trimmed "$T/run.log" /dev/sda1 /dev/sda2 /dev/debian-vg/root
grep -q 'VG debian-vg: [0-9]* MiB of free extents discarded' "$T/run.log" ||
    { grep -i trim "$T/run.log"; fail "the VG's free extents were not discarded"; }
grep -q '/dev/debian-vg/root: [0-9]* MiB of empty XFS log' "$T/run.log" ||
    fail "the XFS log's empty part was copied"
check_only_used "$T/run.log" 1.02 1.06 "$CONVERTED_DISK"
grep -q 'EFI/debian/grubx64.efi copied to /boot/efi/EFI/BOOT/BOOTX64.EFI' "$T/run.log" ||
    { cat "$T/run.log"; fail "no loader copied to the removable path"; }
grep -q '/etc/fstab: 3 disk names replaced' "$T/run.log" ||
    { cat "$T/run.log"; fail "fstab: /boot, /boot/efi and swap not all replaced"; }
grep -q '/etc/initramfs-tools/conf.d/resume: 1 disk name replaced' "$T/run.log" ||
    { cat "$T/run.log"; fail "resume device not replaced"; }
! grep -q 'still names' "$T/run.log" || { cat "$T/run.log"; fail "an old disk name is left"; }
xml=$CONVERTED_XML disk=$CONVERTED_DISK
grep -q "<os firmware='efi'>" "$xml" || fail "domain is not UEFI: $(cat "$xml")"
grep -q "machine='q35'" "$xml" || fail "domain is not q35"
grep -q "<mac address='$mac'/>" "$xml" || fail "source MAC not kept"

# The firmware libvirt gives this domain: its argv for the XML (devices
# left out: they need the pool and network of a real host), and the
# variables template of that firmware's descriptor.
start_libvirtd
sed '/<devices>/,/<\/devices>/d' "$xml" >"$T/os.xml"
code=$(virsh -c qemu:///system domxml-to-native qemu-argv "$T/os.xml" |
    grep -o '"filename":"[^"]*","node-name":"libvirt-pflash0-storage"' | cut -d'"' -f4)
[ -f "$code" ] || fail "no UEFI code in libvirt's argv for $T/os.xml"
vars=$(python3 - "$code" <<'PY'
import glob, json, sys
for f in sorted(glob.glob('/usr/share/qemu/firmware/*.json')):
    d = json.load(open(f))
    m = d.get('mapping', {})
    if m.get('executable', {}).get('filename') == sys.argv[1]:
        print(m['nvram-template']['filename']); break
PY
)
[ -f "$vars" ] || fail "no variables template for $code"
log "firmware: $code, fresh variables from $vars"
export BOOT_UEFI_CODE=$code BOOT_UEFI_VARS=$vars

log "the unconverted disk under the same firmware"
start=$SECONDS
! boot_disk "$DATASTORE/$vm/$vm-flat.vmdk" raw "$T/boot-old.log" 240 ||
    fail "the unconverted disk booted: the test proves nothing"
log "unconverted: $(( SECONDS - start )) s"
grep -q 'Shell> ' "$T/boot-old.log" ||
    { tail -c 2000 "$T/boot-old.log"; fail "the unconverted disk did not stop in the UEFI shell"; }
! grep -q 'V2VBOOT-MARKER' "$T/boot-old.log" || fail "unconverted disk printed the marker"

log "the converted disk"
start=$SECONDS
BOOT_MAC=$mac boot_disk "$disk" qcow2 "$T/boot.log" 600 ||
    { tail -c 3000 "$T/boot.log"; fail "the converted disk did not boot"; }
log "converted: booted in $(( SECONDS - start )) s"
grep 'V2VBOOT-' "$T/boot.log" >&2
grep -q "V2VBOOT-ROOT: /dev/mapper/debian--vg-root" "$T/boot.log" || fail "root not on LVM"
grep -q "V2VBOOT-ROOTFS: xfs" "$T/boot.log" || fail "root not XFS"
grep -q "V2VBOOT-FIRMWARE: uefi" "$T/boot.log" || fail "not booted by UEFI"
grep -q "V2VBOOT-NIC: ens192 $mac 192.168.122.50/24" "$T/boot.log" ||
    fail "ens192 lost its MAC or its static address"
grep -q "V2VBOOT-SWAP: /dev/vda3" "$T/boot.log" || fail "swap not on /dev/vda3"
