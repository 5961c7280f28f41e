#!/bin/bash
# Windows guests, on phony Windows disks (tests/windows): each is converted
# from the nginx "ESXi" and read back with hivex.
#
#   Server 2019 + virtio-win directory: viostor boots through the
#     DriverDatabase, every driver for 2k19/amd64 is copied, DevicePath,
#     SAN policy, the first-boot service and script with the captured
#     static IP (on the .vmx's MAC) and VMware Tools' MSI code; the XML
#     has virtio, q35, the local clock and Hyper-V enlightenments;
#   Windows 7 + virtio-win ISO on the datastore (fetched with the
#     source's login): the CriticalDeviceDatabase instead, w7 drivers,
#     machine type pc; both NTFS filesystems trimmed, so that the source
#     serves little more than the output's data;
#   no virtio-win: SATA and e1000e with a warning, no boot driver;
#   refusals before any copy: hibernated (Fast Startup), dynamic disk,
#     BitLocker, a virtio-win path that does not exist, a virtio-win URL
#     on another server whose certificate the system does not trust;
#   the wizard: a Windows VM gets a drivers field, "Find drivers" lists
#     the virtio-win ISO on the media, the saved kickstart has it and the
#     run converts with it.
source "$(dirname "$0")/../functions.sh"
requires which nbdkit qemu-img nginx hivexregedit xorriso virt-xml-validate

start_nginx
cached_build "$top/tests/windows/build-windows.sh" "$T/win" >&2
for img in win2019 win7 win2019-hibernated win2019-dynamic win-bitlocker; do
    mkdir -p "$DATASTORE/$img"
    mv "$T/win/$img.img" "$DATASTORE/$img/$img-flat.vmdk"
done
mac=00:50:56:aa:bb:19
put_vmx_on_datastore win2019 "$mac" windows2019srv-64
mkdir -p "$T/wd"

# convert NAME DEST [options line]: run; the log in $T/NAME.log.
convert () {
    local vm=$1 dest=$2 opts=${3:-}
    mkdir -p "$dest"
    {
        echo "source --type=https --server=127.0.0.1:$NGINX_PORT --user=$USER --password-file=$PASSWORD_FILE --cacert=$CERT"
        if [ -f "$DATASTORE/$vm/$vm.vmx" ]; then
            echo "vm --vmx=\"[datastore1] $vm/$vm.vmx\" --name=$vm-kvm"
        else
            echo "disk --path=\"[datastore1] $vm/$vm-flat.vmdk\""
            echo "vm --name=$vm-kvm --memory=2048 --vcpus=2"
        fi
        echo "destination --type=local --dir=$dest --format=qcow2"
        [ -n "$opts" ] && echo "options $opts"
    } >"$T/$vm.ks"
    "$agent" run -k "$T/$vm.ks" --workdir "$T/wd" >"$T/$vm.log" 2>&1
}

# read_back DISK DIR: the hives, the boot driver and the script.
read_back () {
    mkdir -p "$2"
    guestfish --ro -a "$1" -m /dev/sda2 <<GF
download /Windows/System32/config/SYSTEM $2/SYSTEM
download /Windows/System32/config/SOFTWARE $2/SOFTWARE
download /Windows/System32/drivers/viostor.sys $2/viostor.sys
download /v2vboot/firstboot.ps1 $2/firstboot.ps1
find /Windows/Drivers/VirtIO | cat >$2/drivers.txt
ls /v2vboot | cat >$2/v2vboot.txt
GF
}
reg () { hivexregedit --export "$1" "$2"; }
has () { grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "$1: no '$2'"; }; }
hasnt () { ! grep -qF -- "$2" "$1" || fail "$1: has '$2'"; }

log "Windows Server 2019 with a virtio-win directory"
src=$DATASTORE/win2019/win2019-flat.vmdk
before=$(sha256sum <"$src")
convert win2019 "$T/o1" "--virtio-win=$T/win/virtio-win" ||
    { cat "$T/win2019.log"; fail "win2019 conversion failed"; }
[ "$(sha256sum <"$src")" = "$before" ] || fail "the source changed"
has "$T/win2019.log" "virtio drivers for 2k19 amd64: viostor (2k19), vioscsi (2k19), netkvm (2k19), balloon (2k19)"
read_back "$T/o1/win2019-kvm-sda.qcow2" "$T/r1"
has "$T/r1/viostor.sys" "phony viostor.sys for 2k19 amd64"
for f in viostor/viostor.inf viostor/viostor.cat vioscsi/vioscsi.sys netkvm/netkvm.inf balloon/balloon.sys; do
    has "$T/r1/drivers.txt" "$f"
done
has "$T/r1/v2vboot.txt" qemu-ga-x86_64.msi
reg "$T/r1/SYSTEM" '\ControlSet001\Services\viostor' >"$T/r1/viostor.reg"
has "$T/r1/viostor.reg" '"Start"=dword:00000000'
has "$T/r1/viostor.reg" '"Type"=dword:00000001'
has "$T/r1/viostor.reg" '"ImagePath"=hex(2):73,00,79,00,73,00,74,00,65,00,6d,00,33,00,32,00'   # "system32
reg "$T/r1/SYSTEM" '\DriverDatabase' >"$T/r1/ddb.reg"
has "$T/r1/ddb.reg" '[\DriverDatabase\DeviceIds\PCI\VEN_1AF4&DEV_1001&SUBSYS_00021AF4&REV_00]'
has "$T/r1/ddb.reg" '[\DriverDatabase\DeviceIds\PCI\VEN_1AF4&DEV_1042&SUBSYS_11001AF4&REV_01]'
has "$T/r1/ddb.reg" '"viostor.inf"=hex(3):01,ff,00,00'
has "$T/r1/ddb.reg" '[\DriverDatabase\DriverPackages\viostor.inf_v2vboot\Configurations\viostor_conf]'
reg "$T/r1/SYSTEM" '\ControlSet001\Control' >"$T/r1/control.reg"
hasnt "$T/r1/control.reg" 'CriticalDeviceDatabase'
reg "$T/r1/SYSTEM" '\ControlSet001\Services\partmgr' >"$T/r1/partmgr.reg"
has "$T/r1/partmgr.reg" '"SanPolicy"=dword:00000001'
reg "$T/r1/SYSTEM" '\ControlSet001\Services\v2vboot-firstboot' >"$T/r1/fb.reg"
has "$T/r1/fb.reg" '"Start"=dword:00000002'
has "$T/r1/fb.reg" '"Type"=dword:00000010'
# ImagePath ends in firstboot.ps1 (UTF-16LE).
has "$T/r1/fb.reg" "$(printf 'firstboot.ps1' | iconv -t UTF-16LE | od -An -tx1 | tr -s ' \n' ',' | sed 's/^,//; s/,$//')"
reg "$T/r1/SOFTWARE" '\Microsoft\Windows\CurrentVersion' >"$T/r1/cv.reg"
has "$T/r1/cv.reg" "$(printf '%%SystemRoot%%\\inf;%%SystemRoot%%\\Drivers\\VirtIO' | iconv -t UTF-16LE | od -An -tx1 | tr -s ' \n' ',' | sed 's/^,//; s/,$//')"
has "$T/r1/firstboot.ps1" "Set-StaticIp '${mac^^}' '192.168.50.10' '255.255.255.0' '192.168.50.1' '192.168.50.53,192.168.50.54'"
has "$T/r1/firstboot.ps1" "@('/x', '{B52A2B9D-5D33-4C33-9B5C-BFA0C1D2E3F4}', '/qn', '/norestart')"
has "$T/r1/firstboot.ps1" "pnputil.exe /add-driver"
has "$T/r1/firstboot.ps1" "qemu-ga-x86_64.msi"
has "$T/r1/firstboot.ps1" "sc.exe delete v2vboot-firstboot"
x=$T/o1/win2019-kvm.xml
has "$x" "machine='q35'"
has "$x" "<target dev='vda' bus='virtio'/>"
has "$x" "<mac address='$mac'/>"
has "$x" "<model type='virtio'/>"
has "$x" "<clock offset='localtime'>"
has "$x" "<hyperv mode='custom'>"
virt-xml-validate "$x" domain >&2 || fail "invalid domain XML"

log "Windows 7 with a virtio-win ISO on the datastore"
mkdir -p "$DATASTORE/iso"
cp "$T/win/virtio-win.iso" "$DATASTORE/iso/"
: >"$NGINX_DIR/access.log"
convert win7 "$T/o2" '--virtio-win="[datastore1] iso/virtio-win.iso"' ||
    { cat "$T/win7.log"; fail "win7 conversion failed"; }
# Both NTFS filesystems trimmed, "System Reserved" too: the source
# serves the data and a few MiB that inspection reads (the partition
# tables, NTFS boot sectors and their backups, mostly zeros), not the
# 256 MiB that were read when only the mounted one was trimmed.
check_trimmed "$T/win7.log" /dev/sda1 /dev/sda2
read=$(nginx_bytes '/folder/win7/win7-flat\.vmdk') out=$(disks_data_bytes "$T/o2/win7-kvm-sda.qcow2")
log "win7: source read $read bytes for $out bytes of output data"
[ "$read" -le $(( out + (8 << 20) )) ] || fail "win7: $read bytes read for $out of data"
written=$(sed -n 's/.*converted win7-kvm into .* (\([0-9.]*\) MiB of data written).*/\1/p' "$T/win7.log")
[ -n "$written" ] || fail "win7: the done message does not say the data written"
# The output file's allocated bytes: its data and the qcow2 metadata.
python3 -c "import sys; sys.exit(abs($written * 1048576 - $out) > 1048576)" ||
    fail "win7: the done message says $written MiB written, the output holds $out bytes"
has "$T/win7.log" "downloading virtio-win from [datastore1] iso/virtio-win.iso"
read_back "$T/o2/win7-kvm-sda.qcow2" "$T/r2"
has "$T/r2/viostor.sys" "phony viostor.sys for w7 amd64"
reg "$T/r2/SYSTEM" '\ControlSet001\Control\CriticalDeviceDatabase' >"$T/r2/cdd.reg"
has "$T/r2/cdd.reg" '[\ControlSet001\Control\CriticalDeviceDatabase\PCI#VEN_1AF4&DEV_1001&SUBSYS_00021AF4&REV_00]'
has "$T/r2/cdd.reg" '"ClassGUID"=hex(1):7b,00,34,00,44,00'   # "{4D
hasnt "$T/r2/cdd.reg" 'DEV_1004'
reg "$T/r2/SYSTEM" '\' >"$T/r2/all.reg"
hasnt "$T/r2/all.reg" 'DriverDatabase'
x=$T/o2/win7-kvm.xml
has "$x" "machine='pc'"
newmac=$(sed -n "s/.*<mac address='\([^']*\)'.*/\1/p" "$x")
[ -n "$newmac" ] || fail "no MAC in $x"
has "$T/r2/firstboot.ps1" "Set-StaticIp '${newmac^^}' '192.168.50.10'"
hasnt "$T/r2/firstboot.ps1" "msiexec.exe -Wait -PassThru -ArgumentList @('/x'"

log "no virtio-win: SATA with a warning"
convert win2019 "$T/o3" || { cat "$T/win2019.log"; fail "SATA conversion failed"; }
has "$T/win2019.log" "no virtio drivers given (options --virtio-win)"
x=$T/o3/win2019-kvm.xml
has "$x" "<target dev='sda' bus='sata'/>"
has "$x" "<model type='e1000e'/>"
guestfish --ro -a "$T/o3/win2019-kvm-sda.qcow2" -m /dev/sda2 \
    download /Windows/System32/config/SYSTEM "$T/SYSTEM-sata"
reg "$T/SYSTEM-sata" '\ControlSet001\Services' >"$T/sata.reg"
hasnt "$T/sata.reg" '[\ControlSet001\Services\viostor]'
has "$T/sata.reg" '[\ControlSet001\Services\v2vboot-firstboot]'

log "refusals, at inspection: before anything is converted or copied"
refused () {   # refused VM DEST-DIR MESSAGE [options]
    ! convert "$1" "$2" "${4:-}" || fail "$1 was converted"
    has "$T/$1.log" "$3"
    ! grep -q '== convert' "$T/$1.log" || fail "$1 was refused only after the conversion began"
    [ -z "$(ls -A "$2")" ] || fail "$1 left files: $(ls -A "$2")"
}
refused win2019-hibernated "$T/o4" "was shut down with Fast Startup on"
has "$T/win2019-hibernated.log" "powercfg /h off"
refused win2019-dynamic "$T/o5" "is on a Windows dynamic disk"
refused win-bitlocker "$T/o6" "/dev/sda2 is encrypted with BitLocker"
has "$T/win-bitlocker.log" "manage-bde -off"
refused win2019 "$T/o7" "options --virtio-win=$T/nowhere: No such file or directory" "--virtio-win=$T/nowhere"
# Another server than the source's: no login, and only the system's CAs.
refused win2019 "$T/o9" "cannot download virtio-win from https://localhost:$NGINX_PORT/open/iso/virtio-win.iso: SSL certificate problem" \
    "--virtio-win=https://localhost:$NGINX_PORT/open/iso/virtio-win.iso"
[ -z "$(ls -A "$T/wd")" ] || fail "work directory left behind: $(ls -A "$T/wd")"

log "the wizard: drivers picked from the media"
mkdir -p "$T/media/cdrom0" "$T/o8"
cp "$T/win/virtio-win.iso" "$T/media/cdrom0/virtio-win-0.1.240.iso"
export V2VBOOT_MEDIA=$T/media
start_wizard linux
wiz_wait_for 'Network of this host'
wiz_keys C-n
wiz_wait_for 'Where does the VM live'
wiz_keys "127.0.0.1:$NGINX_PORT" Tab Tab "$(cat "$PASSWORD_FILE")" C-n
wiz_wait_for 'not signed by a known CA'
wiz_keys y
wiz_wait_for 'win2019 \(prod\) +windows2019sr'
wiz_keys Enter
wiz_wait_for 'Drivers +\['
wiz_keys Tab Tab Enter
wiz_wait_for 'virtio-win found on the media'
wiz_wait_for 'cdrom0/virtio-win-0.1.240.iso'
wiz_keys Enter
wiz_wait_for 'Drivers +\[.*media/cdrom0/virtio-win-0\.1\.240\.iso'   # the end of the path
wiz_keys C-n
wiz_wait_for 'Where the converted VM goes'
wiz_keys C-u "$T/o8" C-n
wiz_wait_for 'VM Network'
wiz_keys C-n
wiz_wait_for 'Start the conversion'
wiz_wait_for "Drivers: +$(re_quote "$T/media/cdrom0/virtio-win-0.1.240.iso")"
wiz_keys Up Enter
wiz_wait_for 'Save the kickstart as'
wiz_keys C-u
for i in $(seq 30); do wiz_keys BSpace; done
wiz_keys "$T/win.ks" Enter
wiz_wait_for "Saved $T/win.ks"
has "$T/win.ks" "--virtio-win=$T/media/cdrom0/virtio-win-0.1.240.iso"
"$agent" dump-config -k "$T/win.ks" >/dev/null || fail "the saved kickstart does not parse"
wiz_keys Down Enter
wiz_wait_for 'The VM was converted|The conversion failed' 600
wiz_screen | grep -q 'The VM was converted' || { wiz_screen; fail "the wizard's run failed"; }
has "$T/o8/win2019-prod.xml" "<target dev='vda' bus='virtio'/>"
echo "PASS"
