#!/bin/bash
# Fuzz every parser of input from guests, servers and files (tests/fuzz/
# fuzz-*.c, built by make fuzz) for a bounded time each, under ASan and
# UBSan, from seed corpora: tests/fuzz/corpus-NAME, and for the kickstart
# every example of docs/kickstart.md.  A crash, leak, timeout or
# sanitizer report fails the test.  V2VBOOT_FUZZ_SECONDS per target
# (default 12: the whole test stays under two minutes).
source "$(dirname "$0")/../functions.sh"
secs=${V2VBOOT_FUZZ_SECONDS:-12}

# Every target, with the largest input its parser accepts (-max_len).
# A new target joins with one word here (and its rule and FUZZ_TARGETS
# in the Makefile).
targets=(
    vmx:1048576         # VMX_MAX_SIZE (agent/source/vmx.c); descriptors: 65536
    kickstart:1048576   # KS_MAX_FILE (kickstart/kickstart.h)
    cmdline:65536       # MAX_CMDLINE (kickstart/cmdline.c)
    ext4:1048576        # no cap: the start of a disk, zeros past it; 1 MiB
                        # holds a 16384-group GDT
    xfs-log:1048576     # no cap: the start of a disk, zeros past it
    json:8192           # tui/progress.c's line buffer (longer lines dropped)
    registry:1048576    # no cap in registry.c (linear: a 1 MiB REG_MULTI_SZ
                        # reads in 0.2 s, test-strvec.c)
    listing:1048576     # MAX_PAGE (agent/source/browse.c) is 4 MiB; 1 MiB holds
                        # thousands of entries and keeps runs fast
    ks-quote:4096       # KS_MAX_WORD (kickstart/kickstart.h), and past it
    vsphere:262144      # V2V_VS_MAX_ANSWER is 32 MiB; the corpus's inventory
                        # answers are under 40 KiB
    vimcmd:65536        # MAX_OUTPUT (source_ssh_power.c) is 1 MiB; lines
                        # are capped at 4 KiB, so 64 KiB covers every shape
    verify-signs:1048576  # READ_CAP (agent/verify/verify_watch.c)
    ppm:262144          # SCREEN_CAP (verify_libvirt.c) is 64 MiB; a 256 KiB
                        # image is 300x290 pixels, every header shape
)

# The list and tests/fuzz/ agree: no target is left out.
for src in "$top"/tests/fuzz/fuzz-*.c; do
    name=$(basename "$src" .c); name=${name#fuzz-}
    printf '%s\n' "${targets[@]%%:*}" | grep -qx "$name" ||
        fail "$src is not in test-fuzz.sh's list"
done

mkdir -p "$T/corpus-kickstart"
awk -v dir="$T/corpus-kickstart" '
    /^```kickstart/ { n++; out = dir "/doc-example-" n ".ks"; next }
    /^```/ { out = ""; next }
    out != "" { print > out }' "$top/docs/kickstart.md"
for t in "${targets[@]}"; do
    f=${t%%:*} max_len=${t#*:}
    bin=$top/build/fuzz/fuzz-$f
    [ -x "$bin" ] || fail "$bin not built (make fuzz)"
    mkdir -p "$T/corpus-$f"
    if [ -d "$top/tests/fuzz/corpus-$f" ]; then
        cp "$top/tests/fuzz/corpus-$f"/* "$T/corpus-$f/"
    fi
    "$bin" -max_total_time="$secs" -max_len="$max_len" -timeout=10 \
        -artifact_prefix="$T/" "$T/corpus-$f" >"$T/$f.log" 2>&1 ||
        { tail -30 "$T/$f.log"; fail "fuzz-$f found a problem"; }
    log "fuzz-$f (max_len $max_len): $(grep -o 'stat::number_of_executed_runs: *[0-9]*\|Done [0-9]* runs' "$T/$f.log" | tail -1)"
done
