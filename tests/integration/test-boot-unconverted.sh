#!/bin/bash
# The negative controls.  1. The unconverted guest, booted exactly as the
# converted one is, must not boot on virtio-blk: if it did, the boot test
# of the conversion would prove nothing.  2. --verify-boot on that guest
# (a run with the conversion skipped, V2VBOOT_TEST_SKIP_CONVERT) fails
# the run, says why, keeps the VM and leaves its screenshot.  3. A
# verification cancelled (SIGTERM) while the VM boots leaves no qemu, no
# overlay and no work files, and keeps the VM.
source "$(dirname "$0")/../functions.sh"
requires which qemu-system-x86_64 nbdkit qemu-img nginx

img=$(guest_image)
if boot_disk "$img" raw "$T/boot.log" 300; then
    fail "the unconverted guest booted on virtio-blk: the boot test is blind"
fi
grep -q 'ALERT!  /dev/sda1 does not exist' "$T/boot.log" ||
    { tail -20 "$T/boot.log"; fail "expected the initramfs to miss /dev/sda1"; }

start_nginx
put_guest_on_datastore testvm
export V2VBOOT_TEST_SKIP_CONVERT=1
mkdir -p "$T/out" "$T/wd" "$T/out2"
write_ks "$T/ks" testvm "$T/out" --cacert="$CERT"
echo "options --verify-boot --verify-timeout=240" >>"$T/ks"
log "verify the unconverted guest"
start=$SECONDS
r=0; "$agent" run -k "$T/ks" --workdir "$T/wd" --machine-readable \
    >"$T/events.json" 2>"$T/agent.log" || r=$?
log "run took $(( SECONDS - start )) s"
[ $r = 1 ] || { tail "$T/agent.log"; fail "exit $r, want 1: the unconverted guest verified"; }
python3 - "$T/events.json" "$T/out" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
done, vm = evs[-2], evs[-1]["vms"][0]
assert done["event"] == "done" and done["ok"] is False and done["booted"] is False, done
assert "did not boot: an initramfs shell" in done["verify"], done
assert done["message"].startswith("verify: did not boot"), done
assert "the converted VM is left as it is" in done["message"], done
assert done["screenshot"] == sys.argv[2] + "/testvm-kvm-verify.png", done
assert done["screenshot"] in done["verify"], done
assert vm["status"] == "failed" and vm["stage"] == "verify" and vm["booted"] is False, vm
print("verify:", done["verify"])
PY
file "$T/out/testvm-kvm-verify.png" | grep -q 'PNG image data' || fail "no PNG screenshot"
[ -f "$T/out/testvm-kvm-sda.qcow2" ] && [ -f "$T/out/testvm-kvm.xml" ] ||
    fail "the VM was removed: $(ls -A "$T/out")"
[ -z "$(ls -A "$T/wd")" ] || fail "work directory left: $(ls -A "$T/wd")"

log "cancel a verification"
write_ks "$T/ks2" testvm "$T/out2" --cacert="$CERT"
echo "options --verify-boot --verify-timeout=600" >>"$T/ks2"
"$agent" run -k "$T/ks2" --workdir "$T/wd" --machine-readable \
    >"$T/events2.json" 2>"$T/agent2.log" &
pid=$!
# The verification's qemu (the appliance's qemu names the work directory
# too, for its disks' sockets).
for (( i=0; i<600; i++ )); do
    pgrep -f "qemu-system.*$T/wd/[^ ]*/verify-serial" >/dev/null && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.5
done
pgrep -f "qemu-system.*$T/wd/[^ ]*/verify-serial" >/dev/null || { tail "$T/agent2.log"; fail "the verification never started qemu (test is blind)"; }
ls "$T"/wd/*/verify-0.qcow2 >/dev/null || fail "no overlay seen (test is blind)"
sleep 3
kill -TERM $pid
r=0; wait $pid || r=$?
[ $r = 1 ] || { tail "$T/agent2.log"; fail "exit $r after SIGTERM, want 1"; }
grep -q '"stage":"verify".*cancelled' "$T/events2.json" || { tail -3 "$T/events2.json"; fail "no cancelled error of stage verify"; }
pgrep -f "qemu-system.*$T/wd/[^ ]*/verify-serial" >/dev/null && fail "qemu still running"
[ -z "$(ls -A "$T/wd")" ] || fail "work directory left: $(ls -A "$T/wd")"
[ -f "$T/out2/testvm-kvm-sda.qcow2" ] && [ -f "$T/out2/testvm-kvm.xml" ] ||
    fail "the VM was removed: $(ls -A "$T/out2")"
