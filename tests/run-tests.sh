#!/bin/bash
# Run tests and print one summary line: "LABEL: N passed, N failed, N skipped".
#
# Usage: run-tests.sh [-j JOBS] LABEL TEST...
#
# With -j 2 (the integration and image suites: most of their time is one
# single-threaded qemu under TCG) two tests run at once.  Each test's
# output goes to a log that is printed whole when the test ends, so the
# two never interleave.  Tests that share something take a lock of their
# own (tests/functions.sh: the system libvirtd, the guest caches), and
# two tests that use the system libvirtd are never started together.
# Tests start in the order given: put the longest first.
#
# Exit 77 from a test means skipped.  In CI (CI=true) a skip fails the
# run, unless tests/skips-allowed names the test with its reason: CI's
# machine has every package, so a skip there hides a broken test.  A test
# running longer than V2VBOOT_TEST_TIMEOUT seconds (default 1800) is
# killed and fails.
jobs=1
if [ "${1:-}" = -j ]; then jobs=$2; shift 2; fi
label=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
limit=${V2VBOOT_TEST_TIMEOUT:-1800}
logs=$(mktemp -d /var/tmp/v2vboot-logs.XXXXXX)
trap 'rm -rf "$logs"' EXIT

# skip_allowed TEST: the reason tests/skips-allowed gives, if any.
skip_allowed () {
    local name=${1##*/}
    sed -n "s/^$name: *//p" "$here/skips-allowed" 2>/dev/null | head -1
}

pass=0 failn=0 skipn=0 failed=()
declare -A name_of start_of log_of
# finish PID STATUS: count and print one finished test.
finish () {
    local pid=$1 r=$2 t=${name_of[$1]} reason=
    local secs=$(( $(date +%s) - ${start_of[$1]} ))
    echo "=== $t" >&2
    cat "${log_of[$pid]}" >&2
    [ $r = 124 ] && echo "run-tests: $t killed after $limit s" >&2
    if [ $r = 77 ] && [ "${CI:-}" = true ]; then
        reason=$(skip_allowed "$t")
        if [ -z "$reason" ]; then
            echo "run-tests: $t skipped in CI and is not in tests/skips-allowed" >&2
            r=1
        fi
    fi
    case $r in
        0) pass=$((pass+1)); echo "PASS: $t (${secs}s)" ;;
        77) skipn=$((skipn+1)); echo "SKIP: $t${reason:+ ($reason)}" ;;
        *) failn=$((failn+1)); failed+=("$t"); echo "FAIL: $t (exit $r, ${secs}s)" ;;
    esac
}

# uses_libvirt TEST: whether it takes the system libvirtd's lock; two
# such tests are not started together (one would only wait for the
# other's lock while holding a slot).
uses_libvirt () { grep -qE '^[^#]*(start_libvirtd|start_kvm_host)' "$1"; }

queue=("$@") running=0 n=0 libvirt_busy=
declare -A libvirt_of
# start_next: start the first queued test that may run now; returns 1 if
# none may.
start_next () {
    local i t lv
    for i in "${!queue[@]}"; do
        t=${queue[$i]} lv=
        uses_libvirt "$t" && lv=yes
        [ -n "$lv" ] && [ -n "$libvirt_busy" ] && continue
        unset "queue[$i]"; queue=("${queue[@]}")
        n=$((n+1))
        timeout --kill-after=30 "$limit" "$t" >"$logs/$n.log" 2>&1 </dev/null &
        name_of[$!]=$t start_of[$!]=$(date +%s) log_of[$!]=$logs/$n.log libvirt_of[$!]=$lv
        [ -n "$lv" ] && libvirt_busy=yes
        running=$((running+1))
        return 0
    done
    return 1
}
while [ ${#queue[@]} -gt 0 ] || [ $running -gt 0 ]; do
    while [ $running -lt "$jobs" ] && [ ${#queue[@]} -gt 0 ] && start_next; do :; done
    wait -n -p done_pid; r=$?
    [ -n "${libvirt_of[$done_pid]}" ] && libvirt_busy=
    finish "$done_pid" $r; running=$((running-1))
done
[ ${#failed[@]} -eq 0 ] || printf 'failed: %s\n' "${failed[@]}"
echo "$label: $pass passed, $failn failed, $skipn skipped"
[ $failn -eq 0 ]
