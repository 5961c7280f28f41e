# Boot the image in qemu to the wizard's first screen on the serial
# console, through a boot loader the test drives: shared by
# tests/image/test-pxe-pxelinux.sh, test-pxe-ipxe.sh and test-usb-boot.sh
# (source tests/functions.sh first).
#
# boot_wizard NAME [EXPECT SEND]... -- QEMU-ARGS...
#   powers on qemu (3 GiB, no default devices) with QEMU-ARGS (firmware,
#   boot device, NIC).  On the first serial port's output it waits for
#   each EXPECT (grep -E, on one line, in what came since the last SEND)
#   and types its SEND as it is (printf %s: "wizard"$'\r'), then waits
#   for the wizard's first screen and the version on it.  Fails (qemu
#   stopped) as soon as the kernel starts before an EXPECT or an
#   unattended run reports, or after $V2VBOOT_BOOT_TIMEOUT s (600).  Logs the time from
#   power-on and appends "NAME SECONDS INIT-SECONDS" to
#   build/image-boot-times (make bench prints them).  The console is
#   left in $T/NAME.log.
#   The serial port is a pair of FIFOs, not a UNIX socket: a socket's
#   buffer holds a few hundred one-byte writes, and when the reader
#   lags (a busy machine) qemu drops characters, "ttyS0" became "ttS0".
#
# serve_http DIR: python3's http.server for DIR on 127.0.0.1 (the booted
#   image's 10.0.2.2), stopped at exit; sets HTTP_PORT, HTTP_LOG.

boot_wizard () {
    local name=$1 steps=() start qpid catpid in rc=0 off=0 init out before
    local log=$T/$1.log version
    shift
    while [ $# -gt 0 ] && [ "$1" != -- ]; do steps+=("$1"); shift; done
    [ "${1:-}" = -- ] || fail "boot_wizard $name: no -- before qemu's arguments"
    shift
    version=$(sed -n 's/^#define V2V_VERSION "\(.*\)"/\1/p' "$top/agent/v2v.h")
    rm -f "$T/$name.in" "$T/$name.out"
    mkfifo "$T/$name.in" "$T/$name.out"
    : >"$log"
    start=$SECONDS
    qemu-system-x86_64 -accel "$V2VBOOT_ACCEL" -m 3072 -smp 2 -nodefaults \
        -display none -no-reboot \
        -chardev "pipe,id=s0,path=$T/$name" -serial chardev:s0 "$@" &
    qpid=$!
    # Read-write opens of a FIFO do not wait for the other end.
    exec {in}<>"$T/$name.in"
    cat <>"$T/$name.out" >>"$log" &
    catpid=$!
    steps+=('Network of this host' '')
    set -- "${steps[@]}"
    while [ $# -ge 2 ] && [ $rc -eq 0 ]; do
        while :; do
            out=$(tail -c +$((off + 1)) "$log" | tr -d '\000')
            # A boot loader's prompt comes before the kernel, or never.
            [ $# -gt 2 ] && before=${out%%Linux version*} || before=$out
            grep -aqE -- "$1" <<<"$before" && break
            if [ "$before" != "$out" ] || [[ $out == *V2VBOOT-RESULT* ]]; then
                rc=1; echo "no wizard: booted on while waiting for: $1" >&2; break
            fi
            if ! kill -0 $qpid 2>/dev/null; then rc=1; echo "qemu exited" >&2; break; fi
            if [ $((SECONDS - start)) -gt "${V2VBOOT_BOOT_TIMEOUT:-600}" ]; then
                rc=1; echo "timed out waiting for: $1" >&2; break
            fi
            sleep 0.5
        done
        [ $rc -ne 0 ] || [ -z "$2" ] || printf %s "$2" >&$in
        off=$(stat -c %s "$log")
        shift 2
    done
    # The version is on the same screen, drawn just before.
    [ $rc -ne 0 ] || grep -aq "v2vboot $version" "$log" || rc=2
    kill $qpid 2>/dev/null; wait $qpid 2>/dev/null || :
    kill $catpid 2>/dev/null; wait $catpid 2>/dev/null || :
    exec {in}>&-
    if [ $rc -ne 0 ]; then
        tail -c 3000 "$log" | tr -d '\000'; echo
        fail "$name: no wizard (with its version) on the serial console after $((SECONDS - start)) s"
    fi
    init=$(grep -ao 'init took [0-9.]* s' "$log" | grep -o '[0-9.]*' || :)
    log "$name: the wizard's first screen after $((SECONDS - start)) s under $V2VBOOT_ACCEL (init: ${init:-?} s)"
    echo "$name $((SECONDS - start)) ${init:-?}" >>"$top/build/image-boot-times"
}

serve_http () {
    HTTP_PORT=$(free_port)
    HTTP_LOG=$T/http-$HTTP_PORT.log
    python3 -m http.server --bind 127.0.0.1 --directory "$1" "$HTTP_PORT" \
        >"$HTTP_LOG" 2>&1 &
    cleanup_fn "kill $! 2>/dev/null"
    local i
    for i in $(seq 50); do
        curl -sf -o /dev/null "http://127.0.0.1:$HTTP_PORT/" && return 0
        sleep 0.1
    done
    fail "python3 -m http.server did not start on port $HTTP_PORT"
}
