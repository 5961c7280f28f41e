#!/bin/bash
# The wizard driven through tmux at 80x25 on TERM=vt100 (a serial
# console: no F10, so ^N and ^B), against the real nginx "ESXi": the
# untrusted certificate is shown with its fingerprint and accepted, a
# wrong password is reported on the Source screen, Esc asks before
# quitting, Back keeps the answers, "Save as kickstart" writes a file,
# the conversion ends on the success screen, the terminal is restored,
# the result boots, and the saved kickstart converts the same VM again
# with v2vboot-agent.  The screens are compared with the text
# screenshots in docs/wizard.md (V2VBOOT_UPDATE_EXPECTED=1 rewrites them,
# never in CI).
source "$(dirname "$0")/../functions.sh"
no_update_in_ci
requires which tmux nginx nbdkit qemu-system-x86_64 python3

start_nginx
put_guest_on_datastore testvm
put_vmx_on_datastore testvm 00:50:56:aa:bb:01
dest=$T/out; mkdir -p "$dest" "$T/shots"
start_wizard vt100

# shot NAME: the screen, with what depends on this run replaced by the
# documentation's example values (field widths kept).
# The fingerprint is wrapped at 66 characters in the trust dialog.
shot () {
    local fp0=${FINGERPRINT:0:66} fp1=${FINGERPRINT:66}
    wiz_screen | python3 "$top/tests/integration/wizard-normalize.py" \
        "127.0.0.1:$NGINX_PORT=esx1.example.com" "$T=/srv" \
        "$fp0=$(echo "$fp0" | sed 's/[0-9A-F]/0/g')" \
        "$fp1=$(echo "$fp1" | sed 's/[0-9A-F]/0/g')" >"$T/shots/$1.txt"
}

log "network screen"
wiz_wait_for 'Network of this host'
shot network
wiz_keys C-n

log "source: untrusted certificate, then a wrong password"
wiz_wait_for 'Where does the VM live'
wiz_keys "127.0.0.1:$NGINX_PORT" Tab Tab wrong-password C-n
wiz_wait_for 'not signed by a known CA'
wiz_screen | tr -d ' |\n' | grep -qF "$FINGERPRINT" || { wiz_screen; fail "the fingerprint is not shown"; }
shot trust
wiz_keys y
wiz_wait_for "wrong user or password for 'root' \(HTTP 401\)"
shot source-error
grep -qF -- "$(cat "$PASSWORD_FILE")" "$T/shots/source-error.txt" && fail "password on the screen"

log "Esc asks, No stays"
wiz_keys Escape
wiz_wait_for 'Quit the wizard\?'
wiz_keys n
wiz_wait_for 'Where does the VM live'

log "the right password: the VM list"
wiz_keys C-u "$(cat "$PASSWORD_FILE")" C-n
wiz_wait_for 'VMs found on'
wiz_wait_for 'testvm \(prod\) +debian12-64 +1536 MiB +1 disk +4 GiB +VM Network'
shot vms
wiz_keys Enter
wiz_wait_for 'New name +\[testvm-prod +\]'
log "Back keeps the answers"
wiz_keys C-b
wiz_wait_for 'VMs found on'
wiz_keys Enter
wiz_wait_for 'New name +\[testvm-prod +\]'
shot vm
wiz_keys C-n

log "destination"
wiz_wait_for 'Where the converted VM goes'
wiz_keys C-u "$dest" C-n
wiz_wait_for 'VM Network +\[default'
shot destination
wiz_keys C-n

log "review, save as kickstart"
wiz_wait_for 'Start the conversion'
shot review
wiz_keys Up Enter
wiz_wait_for 'Save the kickstart as'
wiz_keys C-u
for i in $(seq 30); do wiz_keys BSpace; done
wiz_keys "$T/saved.ks" Enter
wiz_wait_for "Saved $T/saved.ks"
[ -s "$T/saved.ks" ] || fail "no saved kickstart"
[ "$(stat -c %a "$T/saved.ks.password")" = 600 ] || fail "password file not 0600"
grep -qF -- "$(cat "$PASSWORD_FILE")" "$T/saved.ks" && fail "password in the saved kickstart"

log "the conversion"
start=$SECONDS
wiz_keys Down Enter
wiz_wait_for 'Converting'
wiz_wait_for '\[>\] (convert the guest|inspect the guest)' 300
wiz_wait_for 'The VM was converted|The conversion failed' 900
wiz_screen | grep -q 'The VM was converted' || { wiz_screen; cat "$T"/v2vboot-tui.*/agent.log 2>/dev/null | tail; fail "conversion failed"; }
log "converted in $((SECONDS - start)) s through the wizard"
wiz_screen | grep -qE "New VM: +testvm-prod" && wiz_screen | grep -qE "Written: +$dest" ||
    { wiz_screen; fail "the new VM and where it is not shown"; }
wiz_screen | grep -q "^      virsh define $dest/testvm-prod.xml" || { wiz_screen; fail "next step not shown"; }
shot done
wiz_keys Down Enter
wiz_wait_for 'WIZARD-EXIT=0'
wiz_screen | grep -q 'WIZARD-EXIT=0' && ! wiz_screen | grep -q 'v2vboot 0.1.0 -' ||
    { wiz_screen; fail "the terminal was not restored"; }
[ -z "$(ls -A "$T" | grep v2vboot-tui)" ] || fail "the wizard left its private directory"

log "the result boots"
boot_disk "$dest/testvm-prod-sda.qcow2" qcow2 "$T/boot.log" || { tail -20 "$T/boot.log"; fail "does not boot"; }

log "the saved kickstart converts the same VM again"
mkdir -p "$T/again"
sed "s|--dir=$dest|--dir=$T/again|" "$T/saved.ks" >"$T/again.ks"
"$agent" run -k "$T/again.ks" --workdir "$T" >"$T/again.log" 2>&1 || { tail "$T/again.log"; fail "saved kickstart"; }
[ "$(ls "$T/again")" = "$(ls "$dest")" ] || fail "different files: $(ls "$T/again") vs $(ls "$dest")"
sed "s|$T/again|$dest|" "$T/again/testvm-prod.xml" | diff - "$dest/testvm-prod.xml" ||
    fail "the saved kickstart made another domain"

log "screens match docs/wizard.md"
python3 "$top/tests/integration/wizard-screens.py" "$top/docs/wizard.md" "$T/shots" ||
    fail "docs/wizard.md screenshots differ (V2VBOOT_UPDATE_EXPECTED=1 to rewrite)"
