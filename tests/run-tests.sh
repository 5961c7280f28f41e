#!/bin/bash
# Run tests and print one summary line: "N passed, N failed, N skipped".
# Usage: run-tests.sh LABEL TEST...  (exit 77 from a test means skipped)
label=$1; shift
pass=0 failn=0 skipn=0 failed=()
for t in "$@"; do
    start=$(date +%s)
    echo "=== $t" >&2
    "$t"
    r=$?
    secs=$(( $(date +%s) - start ))
    case $r in
        0) pass=$((pass+1)); echo "PASS: $t (${secs}s)" ;;
        77) skipn=$((skipn+1)); echo "SKIP: $t" ;;
        *) failn=$((failn+1)); failed+=("$t"); echo "FAIL: $t (exit $r, ${secs}s)" ;;
    esac
done
[ ${#failed[@]} -eq 0 ] || printf 'failed: %s\n' "${failed[@]}"
echo "$label: $pass passed, $failn failed, $skipn skipped"
[ $failn -eq 0 ]
