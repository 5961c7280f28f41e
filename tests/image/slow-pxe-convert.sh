#!/bin/bash
# The whole mission in one test: the PXE kernel and initrd on qemu's user
# network, given v2v.ks=http://10.0.2.2:PORT/convert.ks, convert the test
# guest from the host's nginx "ESXi" into a libvirt pool on the host over
# qemu+ssh (the kickstart's %pre writes the SSH key and known_hosts it
# needs), unattended to the end, and power off; the pool's volume then
# boots on virtio-blk.  The image runs its conversion appliance under
# software emulation inside software emulation here: slow, so the time
# is reported.
source "$(dirname "$0")/../functions.sh"
requires which qemu-system-x86_64 python3 libvirtd virsh sshd
pxe=$top/build/pxe
[ -f "$pxe/initrd" ] || fail "no $pxe/initrd: make image"

start_nginx
put_guest_on_datastore testvm
start_libvirtd
export LIBVIRT_DEFAULT_URI=qemu:///system
pool=v2vboot-pxe-$$
make_pool "$pool" "$T/pool"
start_root_sshd
# The image reaches the host's sshd at 10.0.2.2.
sed 's/^\[127\.0\.0\.1\]/[10.0.2.2]/' "$ROOT_KNOWN_HOSTS" >"$T/known_hosts.image"
mkdir -p "$T/www"
cat >"$T/www/convert.ks" <<KS
source --type=https --server=10.0.2.2:$NGINX_PORT --user=root \\
       --password=$(cat "$PASSWORD_FILE") --thumbprint=$FINGERPRINT
vm --name=frompxe --memory=1024
disk --path="[datastore1] testvm/testvm-flat.vmdk"
destination --type=libvirt --uri=qemu+ssh://root@10.0.2.2:$ROOT_SSH_PORT/system \\
            --pool=$pool --identity=/tmp/kvm-key --known-hosts=/tmp/kvm-known
log --file=/var/log/v2vboot/convert.log
poweroff

%pre
umask 077
cat >/tmp/kvm-key <<'KEY'
$(cat "$ROOT_SSH_KEY")
KEY
cat >/tmp/kvm-known <<'KNOWN'
$(cat "$T/known_hosts.image")
KNOWN
%end
KS
http_port=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory "$T/www" "$http_port" >"$T/http.log" 2>&1 &
cleanup_fn "kill $! 2>/dev/null"
for i in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$http_port/convert.ks" && break; sleep 0.1; done

log "booting the PXE image (software emulation, nested for the conversion)"
start=$SECONDS
timeout "${V2VBOOT_PXE_TIMEOUT:-3600}" qemu-system-x86_64 -accel "$V2VBOOT_ACCEL" -m 4096 -smp 2 \
    -nodefaults -display none -no-reboot \
    -kernel "$pxe/vmlinuz" -initrd "$pxe/initrd" \
    -append "console=ttyS0,115200 v2v.ks=http://10.0.2.2:$http_port/convert.ks" \
    -serial "file:$T/serial.log" \
    -netdev user,id=n0 -device virtio-net-pci,netdev=n0 ||
    { tail -c 4000 "$T/serial.log"; fail "qemu did not power off (timeout or error)"; }
took=$((SECONDS - start))
grep -a 'V2VBOOT-RESULT' "$T/serial.log" >&2 || :
grep -aq 'V2VBOOT-RESULT: converted' "$T/serial.log" ||
    { tail -c 4000 "$T/serial.log"; fail "the unattended run did not convert"; }
grep -aq 'powering off' "$T/serial.log" || fail "did not power off as the kickstart says"
log "unattended PXE run: converted and powered off in $took s from power-on"
echo "pxe-convert-seconds $took" >"$top/build/pxe-convert.time"

virsh -q dumpxml frompxe >"$T/dom.xml" || fail "frompxe not defined on the host"
cleanup_fn 'virsh -q undefine frompxe >/dev/null 2>&1'
vol=$(virsh vol-path frompxe-sda --pool "$pool") || fail "no volume in $pool"
log "the pool's volume boots on virtio-blk"
boot_disk "$vol" raw "$T/boot.log" 600 || { tail -20 "$T/boot.log"; fail "converted volume did not boot"; }
:
