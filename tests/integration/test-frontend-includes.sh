#!/bin/bash
# The front ends (agent/cli/, tui/) use the engine only through
# agent/v2v.h: none includes internal.h or a stage's header
# (common/common.h, pipeline/, source/, guest/, convert/, output/), so
# that what they call is the public contract and the engine can change
# inside.  common/cleanup.h and common/vector.h are plain C helpers
# with no engine state, and may be used.
source "$(dirname "$0")/../functions.sh"

n=0
for f in "$top"/agent/cli/*.[ch] "$top"/tui/*.[ch]; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    while IFS= read -r line; do
        hdr=$(printf '%s\n' "$line" | sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p')
        [ -n "$hdr" ] || continue
        case $hdr in
            internal.h|*/internal.h|common/common.h|pipeline/*|source/*|guest/*|convert/*|output/*)
                fail "${f#$top/} includes the engine's $hdr: use agent/v2v.h" ;;
        esac
    done <"$f"
done
[ "$n" -gt 10 ] || fail "found only $n front-end files (test is blind)"
log "$n front-end files include only the public engine header"
