#!/bin/bash
# What CI (CI=true) refuses.  A test that "requires" a missing tool fails
# there (tests/setup.sh installs every one) instead of skipping.  And
# V2VBOOT_UPDATE_EXPECTED=1 rewrites golden files (test-docs.sh's
# kickstart-examples.expected, test-wizard.sh's screenshots in
# docs/wizard.md): in CI (CI=true) it would make those comparisons blind,
# so there the tests fail, saying so, and leave the golden files as they
# were.  Run on a copy of the tree whose golden files are deliberately
# wrong, so a rewrite would show; outside CI the same run rewrites them
# (the copy is not blind).
source "$(dirname "$0")/../functions.sh"
requires which python3

tree=$T/tree
mkdir -p "$tree/tests/integration"
cp -r "$top/docs" "$tree/docs"
ln -s "$top/build" "$tree/build"
cp "$top/tests/functions.sh" "$tree/tests/"
cp "$top/tests/integration/"{test-docs.sh,test-wizard.sh,wizard-screens.py,kickstart-examples.expected} \
    "$tree/tests/integration/"
expected=$tree/tests/integration/kickstart-examples.expected
echo '=== a line no dump-config prints' >>"$expected"
cp "$expected" "$T/planted"

log "test-docs.sh with CI=true V2VBOOT_UPDATE_EXPECTED=1"
r=0; CI=true V2VBOOT_UPDATE_EXPECTED=1 "$tree/tests/integration/test-docs.sh" >"$T/docs.log" 2>&1 || r=$?
[ $r = 1 ] || { cat "$T/docs.log"; fail "test-docs.sh in CI with V2VBOOT_UPDATE_EXPECTED: exit $r, want 1"; }
grep -q 'V2VBOOT_UPDATE_EXPECTED is set in CI (CI=true)' "$T/docs.log" ||
    { cat "$T/docs.log"; fail "test-docs.sh does not say why it failed"; }
cmp -s "$T/planted" "$expected" || fail "test-docs.sh rewrote the expected file in CI"

log "test-wizard.sh with CI=true V2VBOOT_UPDATE_EXPECTED=1 fails at once"
r=0; CI=true V2VBOOT_UPDATE_EXPECTED=1 timeout 60 "$tree/tests/integration/test-wizard.sh" >"$T/wiz.log" 2>&1 || r=$?
[ $r = 1 ] && grep -q 'V2VBOOT_UPDATE_EXPECTED is set in CI (CI=true)' "$T/wiz.log" ||
    { cat "$T/wiz.log"; fail "test-wizard.sh in CI with V2VBOOT_UPDATE_EXPECTED: exit $r"; }

log "wizard-screens.py with CI=true V2VBOOT_UPDATE_EXPECTED=1"
mkdir -p "$T/shots"
printf 'Text.\n\n```screen hello\nold screen\n```\n' >"$T/wizard.md"
cp "$T/wizard.md" "$T/wizard.md.orig"
echo 'new screen' >"$T/shots/hello.txt"
r=0; CI=true V2VBOOT_UPDATE_EXPECTED=1 python3 "$tree/tests/integration/wizard-screens.py" \
    "$T/wizard.md" "$T/shots" 2>"$T/py.log" || r=$?
[ $r = 1 ] && grep -q 'V2VBOOT_UPDATE_EXPECTED is set in CI (CI=true)' "$T/py.log" ||
    { cat "$T/py.log"; fail "wizard-screens.py in CI with V2VBOOT_UPDATE_EXPECTED: exit $r"; }
cmp -s "$T/wizard.md.orig" "$T/wizard.md" || fail "wizard-screens.py rewrote the doc in CI"

log "outside CI, V2VBOOT_UPDATE_EXPECTED=1 rewrites both (the copies are not blind)"
env -u CI V2VBOOT_UPDATE_EXPECTED=1 "$tree/tests/integration/test-docs.sh" >"$T/docs2.log" 2>&1 ||
    { cat "$T/docs2.log"; fail "test-docs.sh outside CI with V2VBOOT_UPDATE_EXPECTED"; }
cmp -s "$top/tests/integration/kickstart-examples.expected" "$expected" ||
    fail "test-docs.sh outside CI did not rewrite the planted expected file"
env -u CI V2VBOOT_UPDATE_EXPECTED=1 python3 "$tree/tests/integration/wizard-screens.py" \
    "$T/wizard.md" "$T/shots" || fail "wizard-screens.py outside CI"
grep -q 'new screen' "$T/wizard.md" || fail "wizard-screens.py outside CI did not rewrite the doc"

log "requires: a missing tool skips outside CI, fails in CI"
printf 'source %q\nrequires which v2vboot-no-such-tool\necho NOT-REACHED\n' "$top/tests/functions.sh" >"$T/req.sh"
r=0; env -u CI bash "$T/req.sh" >"$T/req.log" 2>&1 || r=$?
[ $r = 77 ] || { cat "$T/req.log"; fail "requires outside CI: exit $r, want 77"; }
r=0; CI=true bash "$T/req.sh" >"$T/req.log" 2>&1 || r=$?
[ $r = 1 ] && grep -q 'FAIL: which v2vboot-no-such-tool failed (CI=true: tests/setup.sh installs it' "$T/req.log" ||
    { cat "$T/req.log"; fail "requires in CI: exit $r, want 1 with the reason"; }
