#!/bin/bash
# tests/run-tests.sh itself: in CI a skip fails the run unless
# tests/skips-allowed lists it; outside CI it is counted as skipped;
# two tests at once keep their outputs apart; a failure is counted.
source "$(dirname "$0")/../functions.sh"
run=$top/tests/run-tests.sh
mk () { printf '#!/bin/sh\necho "out of %s"; sleep %s; exit %s\n' "$1" "$2" "$3" >"$T/$1"; chmod +x "$T/$1"; }
mk test-pass.sh 1 0
mk test-skip.sh 0 77
mk test-fail.sh 0 3

CI= "$run" -j 2 x "$T/test-pass.sh" "$T/test-skip.sh" >"$T/out" 2>"$T/err" ||
    fail "a skip outside CI failed the run: $(cat "$T/out")"
grep -qx 'x: 1 passed, 0 failed, 1 skipped' "$T/out" || fail "outside CI: $(cat "$T/out")"

CI=true "$run" -j 2 x "$T/test-pass.sh" "$T/test-skip.sh" >"$T/out" 2>"$T/err" &&
    fail "a skip in CI passed the run"
grep -qx 'x: 1 passed, 1 failed, 0 skipped' "$T/out" || fail "in CI: $(cat "$T/out")"
grep -q 'not in tests/skips-allowed' "$T/err" || fail "no reason given: $(cat "$T/err")"

"$run" -j 2 x "$T/test-fail.sh" "$T/test-pass.sh" >"$T/out" 2>"$T/err" && fail "a failure passed"
grep -qx 'x: 1 passed, 1 failed, 0 skipped' "$T/out" || fail "failure count: $(cat "$T/out")"
# Each test's output stands whole under its own header.
grep -A1 -x "=== $T/test-pass.sh" "$T/err" | grep -qx 'out of test-pass.sh' ||
    fail "outputs mixed: $(cat "$T/err")"
grep -A1 -x "=== $T/test-fail.sh" "$T/err" | grep -qx 'out of test-fail.sh' ||
    fail "outputs mixed: $(cat "$T/err")"

# Two tests that take the system libvirtd's lock never start together;
# a third test fills the other slot meanwhile.
for i in 1 2; do
    printf '#!/bin/sh\n: start_libvirtd\necho start >>"%s/lv.trace"; sleep 2; echo end >>"%s/lv.trace"\n' \
        "$T" "$T" >"$T/test-lv$i.sh"
    chmod +x "$T/test-lv$i.sh"
done
printf '#!/bin/sh\nsleep 1; echo other >>"%s/lv.trace"\n' "$T" >"$T/test-other.sh"
chmod +x "$T/test-other.sh"
"$run" -j 2 x "$T/test-lv1.sh" "$T/test-lv2.sh" "$T/test-other.sh" >"$T/out" 2>"$T/err" ||
    fail "libvirt stubs: $(cat "$T/out")"
[ "$(tr '\n' ' ' <"$T/lv.trace")" = "start other end start end " ] ||
    fail "libvirt tests together, or the other test not beside the first: $(tr '\n' ' ' <"$T/lv.trace")"

# Every entry of the allowed list names a test that exists, with a reason.
while read -r line; do
    case $line in ''|'#'*) continue ;; esac
    name=${line%%:*} reason=${line#*:}
    [ -n "$(find "$top/tests" -name "$name")" ] || fail "skips-allowed names no test: $name"
    [ -n "${reason// }" ] || fail "skips-allowed: $name has no reason"
done <"$top/tests/skips-allowed"
log "run-tests.sh: skips, failures and parallel outputs counted as they should"
