#!/bin/bash
# Fuzz the parsers that read network input (.vmx, descriptors, kickstart)
# for a bounded time each, under ASan and UBSan, from seed corpora made of
# the docs' examples.  A crash, leak or sanitizer report fails the test.
source "$(dirname "$0")/../functions.sh"
secs=${V2VBOOT_FUZZ_SECONDS:-20}
for f in vmx kickstart; do
    bin=$top/build/fuzz/fuzz-$f
    [ -x "$bin" ] || skip "$bin not built (make fuzz)"
    mkdir -p "$T/corpus-$f"
    cp "$top/tests/fuzz/corpus-$f"/* "$T/corpus-$f/"
    "$bin" -max_total_time="$secs" -max_len=65536 -timeout=10 \
        -artifact_prefix="$T/" "$T/corpus-$f" >"$T/$f.log" 2>&1 ||
        { tail -30 "$T/$f.log"; fail "fuzz-$f found a problem"; }
    log "fuzz-$f: $(grep -o 'stat::number_of_executed_runs: *[0-9]*\|Done [0-9]* runs' "$T/$f.log" | tail -1)"
done
