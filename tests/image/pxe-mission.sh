# The whole mission from the PXE image, shared by make example and
# tests/image/test-pxe-convert.sh (source tests/functions.sh first).
#
# pxe_mission VM POOL: serves the test guest from the host's nginx
# "ESXi", then boots build/pxe's kernel and initrd in qemu on its user
# network with v2v.ks=http://10.0.2.2:PORT/convert.ks (10.0.2.2 is the
# host's 127.0.0.1 as the image sees it).  The kickstart's %pre writes the
# ESXi password, the KVM host's SSH key and known_hosts; its %post shows
# every file under /var/log/v2vboot (and their modes) on the console,
# for the tests to look for those secrets there; the image
# converts the guest into the host's libvirt pool POOL as domain VM over
# qemu+ssh, unattended, and powers off.  The caller starts libvirtd, the
# pool and the root sshd (start_kvm_host, or its parts).
# Fails unless it converted and powered off, as soon as the console says
# the run failed.  Sets PXE_SECONDS (power-on to power-off) and
# PXE_SERIAL (the console log).  V2VBOOT_PXE_APPEND adds kernel
# arguments (v2vboot.debug: the agent's and the appliance's debug output
# on the console); V2VBOOT_PXE_TIMEOUT is in seconds (1800).
#
# The image gets the CPU's virtualization extensions (-cpu max under
# software emulation, -cpu host under KVM) so that its own appliance
# runs on the image's KVM, as it would on a host.  Under software
# emulation it gets one CPU: with two, the appliance hung or crashed in
# about half the runs (docs/image.md).  V2VBOOT_PXE_CPU and
# V2VBOOT_PXE_SMP override both.

pxe_mission () {
    local vm=$1 pool=$2 pxe=$top/build/pxe http_port cpu=max smp=1
    [ -f "$pxe/initrd" ] || fail "no $pxe/initrd: make image"
    [ "$V2VBOOT_ACCEL" = kvm ] && cpu=host smp=2
    cpu=${V2VBOOT_PXE_CPU:-$cpu} smp=${V2VBOOT_PXE_SMP:-$smp}
    start_nginx
    put_guest_on_datastore testvm
    mkdir -p "$T/www"
    cat >"$T/www/convert.ks" <<KS
# testvm from the host's nginx "ESXi" into pool $pool on the host's libvirt
source --type=https --server=10.0.2.2:$NGINX_PORT --user=$USER \\
       --password-file=/tmp/esx-password --thumbprint=$FINGERPRINT
vm --name=$vm --memory=1024
disk --path="[datastore1] testvm/testvm-flat.vmdk"
destination --type=libvirt --uri=qemu+ssh://root@10.0.2.2:$ROOT_SSH_PORT/system \\
            --pool=$pool --identity=/tmp/kvm-key --known-hosts=/tmp/kvm-known
log --file=/var/log/v2vboot/convert.log
poweroff

%pre
umask 077
cat >/tmp/esx-password <<'PASSWORD'
$(cat "$PASSWORD_FILE")
PASSWORD
cat >/tmp/kvm-key <<'KEY'
$(cat "$ROOT_SSH_KEY")
KEY
cat >/tmp/kvm-known <<'KNOWN'
$(sed 's/^\[127\.0\.0\.1\]/[10.0.2.2]/' "$ROOT_KNOWN_HOSTS")
KNOWN
%end

%post
# The image keeps its logs in RAM: show them on the console, where the
# tests look for secrets (a copy, since what %post prints goes to the
# logs too).
cp -r /var/log/v2vboot /tmp/logs-copy
ls -ln /var/log/v2vboot | sed 's/^/V2VBOOT-LOG-MODE: /'
for f in /tmp/logs-copy/*; do
    echo "V2VBOOT-LOG-FILE: \${f##*/}"
    sed 's/^/V2VBOOT-LOG: /' "\$f"
done
%end
KS
    http_port=$(free_port)
    python3 -m http.server --bind 127.0.0.1 --directory "$T/www" "$http_port" \
        >"$T/http.log" 2>&1 &
    cleanup_fn "kill $! 2>/dev/null"
    local i
    for i in $(seq 50); do
        curl -sf -o /dev/null "http://127.0.0.1:$http_port/convert.ks" && break
        sleep 0.1
    done

    PXE_SERIAL=$T/serial.log
    : >"$PXE_SERIAL"
    log "booting build/pxe in qemu (-accel $V2VBOOT_ACCEL -cpu $cpu -smp $smp) with v2v.ks=http://10.0.2.2:$http_port/convert.ks"
    local start=$SECONDS qpid
    qemu-system-x86_64 -accel "$V2VBOOT_ACCEL" -cpu "$cpu" \
        -m 4096 -smp "$smp" \
        -nodefaults -display none -no-reboot \
        -kernel "$pxe/vmlinuz" -initrd "$pxe/initrd" \
        -append "console=ttyS0,115200 v2v.ks=http://10.0.2.2:$http_port/convert.ks ${V2VBOOT_PXE_APPEND:-}" \
        -serial "file:$PXE_SERIAL" \
        -netdev user,id=n0 -device virtio-net-pci,netdev=n0 &
    qpid=$!
    cleanup_fn "kill $qpid 2>/dev/null"
    # Until it powers off; a failed run stays up with a shell: stop there.
    while kill -0 $qpid 2>/dev/null; do
        if grep -aq 'V2VBOOT-RESULT: FAILED' "$PXE_SERIAL" ||
           [ $((SECONDS - start)) -gt "${V2VBOOT_PXE_TIMEOUT:-1800}" ]; then
            sleep 2; kill $qpid; wait $qpid 2>/dev/null || :
            tail -c 6000 "$PXE_SERIAL"
            fail "the unattended run failed or timed out ($((SECONDS - start)) s)"
        fi
        sleep 2
    done
    wait $qpid || fail "qemu failed (exit $?)"
    PXE_SECONDS=$((SECONDS - start))
    grep -a '^v2vboot: ' "$PXE_SERIAL" | grep -av 'copy disk 0: \|V2VBOOT-LOG' >&2 || :
    grep -aq 'V2VBOOT-RESULT: converted' "$PXE_SERIAL" ||
        { tail -c 4000 "$PXE_SERIAL"; fail "the unattended run did not convert"; }
    grep -aq 'powering off' "$PXE_SERIAL" || fail "did not power off as the kickstart says"
}
