#!/bin/bash
# Fuzz the parsers that read network input (.vmx, descriptors, kickstart,
# the kernel command line) for a bounded time each, under ASan and UBSan,
# from seed corpora: tests/fuzz/corpus-*, and every example of
# docs/kickstart.md.  A crash, leak or sanitizer report fails the test.
source "$(dirname "$0")/../functions.sh"
secs=${V2VBOOT_FUZZ_SECONDS:-20}
mkdir -p "$T/corpus-kickstart"
awk -v dir="$T/corpus-kickstart" '
    /^```kickstart/ { n++; out = dir "/doc-example-" n ".ks"; next }
    /^```/ { out = ""; next }
    out != "" { print > out }' "$top/docs/kickstart.md"
for f in vmx kickstart cmdline; do
    bin=$top/build/fuzz/fuzz-$f
    # make check-integration builds them first: in CI a missing one is a broken build.
    [ -x "$bin" ] || { in_ci && fail "$bin not built (make fuzz)"; skip "$bin not built (make fuzz)"; }
    mkdir -p "$T/corpus-$f"
    cp "$top/tests/fuzz/corpus-$f"/* "$T/corpus-$f/"
    "$bin" -max_total_time="$secs" -max_len=65536 -timeout=10 \
        -artifact_prefix="$T/" "$T/corpus-$f" >"$T/$f.log" 2>&1 ||
        { tail -30 "$T/$f.log"; fail "fuzz-$f found a problem"; }
    log "fuzz-$f: $(grep -o 'stat::number_of_executed_runs: *[0-9]*\|Done [0-9]* runs' "$T/$f.log" | tail -1)"
done
