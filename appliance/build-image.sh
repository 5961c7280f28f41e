#!/bin/bash
# make image: the bootable v2vboot image, from Debian packages installed
# on this machine (supermin) and our own programs.
#
#   appliance/build-image.sh BUILD_DIR
#
# Leaves BUILD_DIR/v2vboot.iso (BIOS isolinux + UEFI grub, hybrid: dd
# to a USB key boots too) and BUILD_DIR/pxe/ (vmlinuz, initrd, sample
# pxelinux.cfg/default and iPXE script): one kernel and one initrd, the
# whole system in RAM.  Cached: rebuilt only when a recipe input changes.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath "${1:-$top/build}")
work=$out/image-work
kver=$(ls /lib/modules | sort -V | grep -- '-amd64$' | tail -1)
[ -n "$kver" ] || { echo "build-image: no Debian kernel in /lib/modules (apt-get install linux-image-amd64)" >&2; exit 1; }
version=$(sed -n 's/^#define V2V_VERSION "\(.*\)"/\1/p' "$top/agent/v2v.h")

# What goes in: the packages (with their dependencies) and nothing else.
packages=(busybox-static libguestfs0 libvirt0 libcurl4 libssh-4 libnbd0
          libncurses6 libtinfo6 ncurses-base openssh-client ca-certificates kmod
          qemu-system-x86 qemu-utils nbdkit libnbd-bin)

key=$( { cat "$0" "$top"/rootfs/init "$top"/rootfs/usr/share/v2vboot/*;
         sha256sum "$out/v2vboot-agent" "$out/v2vboot-tui" "$out"/nbdkit-v2v*-plugin.so;
         echo "$kver ${packages[*]}"; } | sha256sum | cut -c1-16)
if [ -f "$out/v2vboot.iso" ] && [ -f "$out/pxe/vmlinuz" ] && [ -f "$out/pxe/initrd" ] &&
   [ "$(cat "$out/pxe/.key" 2>/dev/null)" = "$key" ]; then
    echo "build-image: $out/v2vboot.iso is up to date" >&2
    exit 0
fi
rm -rf "$work" "$out/pxe" "$out/v2vboot.iso"
mkdir -p "$work" "$out/pxe"

echo "build-image: the root filesystem from ${#packages[@]} packages and their dependencies" >&2
supermin --prepare -o "$work/supermin.d" "${packages[@]}" >&2
supermin --build --format chroot -o "$work/root" "$work/supermin.d" >&2
root=$work/root
# No docs, man pages, locales, headers: nothing an operator runs.
rm -rf "$root"/usr/share/{doc,man,info,locale,lintian,linda,bug} "$root"/usr/include \
       "$root"/var/cache/* "$root"/usr/share/zoneinfo
# qemu: only the x86-64 system emulator and what it loads.
find "$root/usr/bin" -name 'qemu-system-*' ! -name qemu-system-x86_64 -delete
# nbdkit: none of its plugins or filters (the source is served by ours,
# installed below; the others pull in libraries such as libtorrent); no
# perl (the appliance has its own).
find "$root"/usr/lib/x86_64-linux-gnu/nbdkit/plugins "$root"/usr/lib/x86_64-linux-gnu/nbdkit/filters \
    -name '*.so' -delete
rm -rf "$root"/usr/lib/x86_64-linux-gnu/perl* "$root"/usr/share/perl* \
       "$root"/usr/bin/perl* "$root"/usr/lib/x86_64-linux-gnu/libtorrent*

echo "build-image: our programs, init, kernel $kver modules" >&2
install -m 755 "$out/v2vboot-agent" "$out/v2vboot-tui" "$root/usr/bin/"
# Our source plugins (plugin/), where nbdkit finds them by name.
install -m 755 "$out"/nbdkit-v2v*-plugin.so "$root"/usr/lib/x86_64-linux-gnu/nbdkit/plugins/
install -m 755 "$top/rootfs/init" "$root/init"
mkdir -p "$root/usr/share/v2vboot" "$root/etc" "$root/root" "$root/var/log/v2vboot"
install -m 755 "$top"/rootfs/usr/share/v2vboot/* "$root/usr/share/v2vboot/"
echo "$version" >"$root/usr/share/v2vboot/version"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
: >"$root/etc/resolv.conf"
# busybox applets for everything the init and an operator's shell use.
for a in $("$root/bin/busybox" --list); do
    [ -e "$root/bin/$a" ] || [ -e "$root/usr/bin/$a" ] || [ -e "$root/sbin/$a" ] ||
        [ -e "$root/usr/sbin/$a" ] || ln -s busybox "$root/bin/$a"
done
# Drivers a datacenter host or a VM needs: NICs, storage, USB, virtio,
# VMware's, filesystems of boot media; not sound, video, wireless.
mods=/lib/modules/$kver
mkdir -p "$root$mods"
(cd "$mods" && find kernel/drivers/net/ethernet kernel/drivers/net/virtio_net.ko \
        kernel/drivers/net/vmxnet3 kernel/drivers/net/mii.ko kernel/drivers/net/mdio* \
        kernel/drivers/net/phy kernel/drivers/net/net_failover.ko \
        kernel/drivers/block kernel/drivers/scsi kernel/drivers/ata kernel/drivers/nvme \
        kernel/drivers/usb kernel/drivers/hid kernel/drivers/virtio kernel/drivers/cdrom \
        kernel/drivers/input/keyboard kernel/drivers/char kernel/drivers/md \
        kernel/drivers/crypto \
        kernel/arch kernel/virt kernel/lib kernel/crypto \
        kernel/fs/isofs kernel/fs/fat kernel/fs/nls kernel/fs/ext4 kernel/fs/jbd2 \
        kernel/fs/mbcache.ko kernel/fs/fuse \
        -name '*.ko*' 2>/dev/null | cpio -pdm --quiet "$root$mods")
# ... and every module those need (modules.dep lists the whole closure),
# such as failover for virtio_net.
(cd "$root$mods" && find kernel -name '*.ko*') | sort >"$work/have"
awk -F': *' 'NR == FNR { have[$1] = 1; next }
             ($1 in have) { n = split($2, d, " "); for (i = 1; i <= n; i++) print d[i] }' \
    "$work/have" "$mods/modules.dep" | sort -u | comm -13 "$work/have" - |
    (cd "$mods" && cpio -pdm --quiet "$root$mods")
cp "$mods"/modules.order "$mods"/modules.builtin* "$root$mods/" 2>/dev/null || :
depmod -b "$root" "$kver"

echo "build-image: the libguestfs appliance, prebuilt (no supermin at boot)" >&2
# What libguestfs itself would build at its first launch, built here
# once (supermin, from libguestfs's own package list), and marked fixed.
app=$root/usr/lib/v2vboot/appliance
mkdir -p "$app"
supermin --build --format ext2 --host-cpu x86_64 --size 4G \
    -o "$work/fixed" /usr/lib/x86_64-linux-gnu/guestfs/supermin.d >&2
cp "$work/fixed/kernel" "$work/fixed/initrd" "$app/"
# Its root filesystem holds every module of the kernel; the appliance
# needs filesystems, device-mapper, md, virtio, SCSI and crypto.  Then
# shrink it to what it holds.
mkdir -p "$work/mnt"
mount -o loop "$work/fixed/root" "$work/mnt"
(cd "$work/mnt/usr/lib/modules"/*/kernel &&
 rm -rf sound net drivers/{gpu,media,net,infiniband,staging,usb,hid,input,iio,video,bluetooth,isdn,misc,mfd,platform,hwmon,thermal,watchdog,pinctrl,power,rtc,leds,regulator,comedi,firewire,mmc,mtd,nfc,ntb,pcmcia,ptp,remoteproc,soundwire,spi,ssb,thunderbolt,tty,uio,vfio,vhost,w1,xen,edac,fpga,gnss,hsi,i2c,iommu,memstick,mux,parport,pci,phy,pps,rapidio,reset,rpmsg,siox,slimbus,target,tee,ufs,vdpa,visorbus,atm,auxdisplay,bcma,counter,dca,extcon,firmware,gpio,hte,hv,i3c,interconnect,ipack,mailbox,mcb,mhi,nvmem,peci,powercap,scsi/{bfa,be2iscsi,bnx2fc,bnx2i,csiostor,cxgbi,elx,fcoe,fnic,ibmvscsi,isci,libsas,lpfc,megaraid,mpt3sas,mpi3mr,pcmcia,pm8001,qedf,qedi,qla2xxx,qla4xxx,smartpqi,snic,aacraid,aic7xxx,aic94xx,arcmsr,esas2r,hisi_sas,mvsas}})
depmod -b "$work/mnt" "$(ls "$work/mnt/usr/lib/modules")"
umount "$work/mnt"
e2fsck -fy "$work/fixed/root" >/dev/null 2>&1 || :
resize2fs -M "$work/fixed/root" >/dev/null 2>&1
# ... plus room to work in: the daemon writes temporary files there, and
# on a full filesystem inspection fails ("ls exited with status 2").
# Free blocks are zeros, which the compressed initrd does not grow by.
truncate -s +128M "$work/fixed/root"
resize2fs "$work/fixed/root" >/dev/null 2>&1
mv "$work/fixed/root" "$app/root"
echo "v2vboot $version: a libguestfs fixed appliance (LIBGUESTFS_PATH)" >"$app/README.fixed"

echo "build-image: initrd (zstd)" >&2
cp "/boot/vmlinuz-$kver" "$out/pxe/vmlinuz"
(cd "$root" && find . | cpio -o -H newc --quiet | zstd -q -T0 -12) >"$out/pxe/initrd"

# The samples are what tests/image/test-pxe-pxelinux.sh and
# test-pxe-ipxe.sh boot: each offers the unattended run (the default
# after 5 s) and the wizard, on the screen and on the first serial port.
cat >"$out/pxe/pxelinux.cfg.default" <<CFG
# v2vboot $version for pxelinux (BIOS, TFTP): pxelinux.0 (Debian package
# pxelinux), ldlinux.c32 (syslinux-common), vmlinuz and initrd in the
# TFTP root, this file as pxelinux.cfg/default, pxelinux.0 as DHCP's
# boot file name.  Set v2v.ks= to your kickstart's URL.  At the boot:
# prompt (screen or serial port) type wizard for the wizard.
serial 0 115200
default v2vboot
prompt 1
timeout 50
say v2vboot $version: unattended (default) or wizard; type wizard or wait 5 s
label v2vboot
  kernel vmlinuz
  append initrd=initrd console=tty0 console=ttyS0,115200 v2v.ks=http://deploy.example.com/ks/rack12.ks
label wizard
  kernel vmlinuz
  append initrd=initrd console=tty0 console=ttyS0,115200
CFG
cat >"$out/pxe/v2vboot.ipxe" <<CFG
#!ipxe
# v2vboot $version for iPXE (BIOS or UEFI) over HTTP: serve vmlinuz and
# initrd beside this script and give iPXE the script's http:// URL as
# DHCP's boot file name (vmlinuz and initrd are fetched from where the
# script came from).  Set v2v.ks= to your kickstart's URL.  In the menu
# (screen, or a serial port the firmware redirects) w is the wizard.
menu v2vboot $version
item --key u v2vboot unattended: the kickstart at v2v.ks= (u)
item --key w wizard   the wizard (w)
choose --default v2vboot --timeout 5000 target || goto v2vboot
goto \${target}
:v2vboot
kernel vmlinuz initrd=initrd console=tty0 console=ttyS0,115200 v2v.ks=http://deploy.example.com/ks/rack12.ks
initrd initrd
boot
:wizard
kernel vmlinuz initrd=initrd console=tty0 console=ttyS0,115200
initrd initrd
boot
CFG

echo "build-image: ISO (BIOS and UEFI, hybrid)" >&2
iso=$work/iso
mkdir -p "$iso/isolinux" "$iso/boot/grub" "$iso/ks" "$iso/EFI/BOOT"
cp "$out/pxe/vmlinuz" "$out/pxe/initrd" "$iso/"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$iso/isolinux/"
cat >"$iso/isolinux/isolinux.cfg" <<CFG
serial 0 115200
default wizard
timeout 50
prompt 1
say v2vboot $version: wizard (default), serial, unattended; Enter or wait 5 s
label wizard
  kernel /vmlinuz
  append initrd=/initrd console=tty0 console=ttyS0,115200
label serial
  kernel /vmlinuz
  append initrd=/initrd console=ttyS0,115200
label unattended
  kernel /vmlinuz
  append initrd=/initrd console=tty0 console=ttyS0,115200 v2v.ks=cdrom:/ks/default.ks
CFG
cat >"$iso/boot/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200
terminal_input console serial
terminal_output console serial
set timeout=5
search --no-floppy --set=root --file /vmlinuz
menuentry "v2vboot $version: wizard" {
  linux /vmlinuz console=tty0 console=ttyS0,115200
  initrd /initrd
}
menuentry "v2vboot $version: wizard on the serial console" {
  linux /vmlinuz console=ttyS0,115200
  initrd /initrd
}
menuentry "v2vboot $version: unattended (v2v.ks=cdrom:/ks/default.ks)" {
  linux /vmlinuz console=tty0 console=ttyS0,115200 v2v.ks=cdrom:/ks/default.ks
  initrd /initrd
}
CFG
printf '# Put the kickstart for the "unattended" entry here.\n' >"$iso/ks/default.ks"
grubmods="part_gpt part_msdos fat iso9660 search search_fs_file linux serial
          terminal normal configfile echo test all_video efi_gop gzio"
grub-mkstandalone -O x86_64-efi -o "$iso/EFI/BOOT/BOOTX64.EFI" \
    --modules="$grubmods" --install-modules="$grubmods" --locales= --fonts= \
    "boot/grub/grub.cfg=$iso/boot/grub/grub.cfg" >&2
efi=$iso/boot/efiboot.img
rm -f "$efi"
mkfs.vfat -C "$efi" $(( $(stat -c %s "$iso/EFI/BOOT/BOOTX64.EFI") / 1024 + 512 )) >/dev/null
mmd -i "$efi" ::/EFI ::/EFI/BOOT
mcopy -i "$efi" "$iso/EFI/BOOT/BOOTX64.EFI" ::/EFI/BOOT/
xorriso -as mkisofs -quiet -r -V "V2VBOOT_$version" -o "$out/v2vboot.iso" \
    -isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin \
    -c isolinux/boot.cat -b isolinux/isolinux.bin -no-emul-boot \
    -boot-load-size 4 -boot-info-table \
    -eltorito-alt-boot -e boot/efiboot.img -no-emul-boot -isohybrid-gpt-basdat \
    "$iso" >&2
echo "$key" >"$out/pxe/.key"
rm -rf "$work"
ls -la "$out/v2vboot.iso" "$out/pxe/" >&2
