#!/bin/bash
# The PXE kernel and initrd on qemu's user network, given
# v2v.ks=http://10.0.2.2:PORT/... (the host's 127.0.0.1 as the booted
# image sees it) with a kickstart whose password is wrong: init finds the
# virtio NIC, gets an address by DHCP, fetches the kickstart, and the run
# fails at the source check with the reason on the console and in
# /var/log/v2vboot/agent.log; the image stays up with a root shell, as
# the kickstart's "shell" asks, and the password shows nowhere.  The
# CPU has no virtualization extensions: init warns that the conversion
# would run under software emulation.
source "$(dirname "$0")/../functions.sh"
requires which qemu-system-x86_64 python3
pxe=$top/build/pxe
[ -f "$pxe/initrd" ] || fail "no $pxe/initrd: make image"

start_nginx
put_guest_on_datastore testvm
mkdir -p "$T/www"
cat >"$T/www/bad.ks" <<KS
source --type=https --server=10.0.2.2:$NGINX_PORT --user=root \\
       --password=not-the-password --thumbprint=$FINGERPRINT
vm --name=fromimage
disk --path="[datastore1] testvm/testvm-flat.vmdk"
destination --type=local --dir=/var/tmp
shell
KS
http_port=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory "$T/www" "$http_port" >"$T/http.log" 2>&1 &
cleanup_fn "kill $! 2>/dev/null"
for i in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$http_port/bad.ks" && break; sleep 0.1; done

qemu-system-x86_64 -accel "$V2VBOOT_ACCEL" -cpu qemu64,-svm -m 3072 -smp 2 \
    -nodefaults -display none \
    -kernel "$pxe/vmlinuz" -initrd "$pxe/initrd" \
    -append "console=ttyS0,115200 v2v.ks=http://10.0.2.2:$http_port/bad.ks v2v.ks.retry=5" \
    -chardev "socket,id=s0,path=$T/serial.sock,server=on,wait=off" -serial chardev:s0 \
    -netdev user,id=n0 -device virtio-net-pci,netdev=n0 &
qpid=$!
cleanup_fn "kill $qpid 2>/dev/null"
start=$SECONDS
python3 "$top/tests/image/serial.py" "$T/serial.sock" "$T/serial.log" 600 \
    "V2VBOOT-RESULT: FAILED: .*wrong user or password for 'root' \(HTTP 401\)" \
    "" "# " \
    "grep -c 'wrong user or password' /var/log/v2vboot/agent.log; echo LOG-CHECKED" \
    "\n[1-9][0-9]*\r?\nLOG-CHECKED" ||
    { tail -c 3000 "$T/serial.log"; cat "$T/http.log"; fail "no failure reason, log or shell on the console"; }
log "failed as it should in $((SECONDS - start)) s from power-on, shell and log there"
grep -aq 'eth0: 10\.0\.2\.15/24 (DHCP)' "$T/serial.log" || fail "init did not report the DHCP address"
grep -a 'GET /bad.ks' "$T/http.log" >/dev/null || fail "the kickstart was not fetched from the host"
grep -aq 'not-the-password' "$T/serial.log" && fail "the password reached the console"
# A CPU without SVM (qemu64 has it): software emulation, and the warning.
grep -aq 'WARNING: no usable KVM' "$T/serial.log" || fail "no warning about software emulation"
:
