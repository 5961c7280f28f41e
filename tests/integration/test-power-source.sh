#!/bin/bash
# The source VM's power state (agent/source/power.c), without a guest or
# a conversion (each run stops at the destination's name check, or at
# the check before the overlay): over HTTPS (nginx, no API) a warning
# that says whether a .vswp lies beside the .vmx; over SSH to a plain
# sshd (SFTP only) a warning that it cannot tell; over SSH to an "ESXi"
# (a second sshd whose chroot has a static busybox sh and a stand-in
# vim-cmd written from VMware's documented output, tests/integration/
# power/vim-cmd): a powered-on VM refused before its .vmx is read, the
# guest shutdown of --shutdown-source (refused without VMware Tools, then
# --hard-power-off), and a VM powered on again during the run failing it
# before the overlay, with nothing left at the destination.
source "$(dirname "$0")/../functions.sh"
requires which sshd nginx busybox
[ "$(id -u)" = 0 ] || skip "needs root (sshd chroot)"

start_nginx
mkdir -p "$DATASTORE/testvm"
truncate -s 1G "$DATASTORE/testvm/testvm-flat.vmdk"   # sized, never read
put_vmx_on_datastore testvm 00:50:56:aa:bb:07
start_sshd
mkdir -p "$T/wd" "$T/out" "$T/taken"
: >"$T/taken/pvm.xml"           # the name check fails: the run stops there

# The "ESXi": a second sshd, same host key, for a user with a shell in
# the same chroot (no ForceCommand), vim-cmd on its PATH.
ESX_USER=v2vboot-esx
id "$ESX_USER" >/dev/null 2>&1 ||
    useradd --no-create-home --home-dir / --shell /bin/sh "$ESX_USER"
usermod -p '*' "$ESX_USER"       # no password, but not locked: key logins
mkdir -p "$SSH_CHROOT/bin" "$SSH_CHROOT/state"
cp /bin/busybox "$SSH_CHROOT/bin/sh"
install -m 755 "$top/tests/integration/power/vim-cmd" "$SSH_CHROOT/bin/vim-cmd"
chown "$ESX_USER" "$SSH_CHROOT/state"
ESX_PORT=$(free_port)
sed -e "s/^Port .*/Port $ESX_PORT/" -e "s|^PidFile .*|PidFile $T/ssh/esx.pid|" \
    -e "s/^AllowUsers .*/AllowUsers $ESX_USER/" -e '/^Match/,$d' \
    "$T/ssh/sshd_config" >"$T/ssh/esx_config"
printf 'Match User %s\n    ChrootDirectory %s\n    AllowTcpForwarding no\n' \
    "$ESX_USER" "$SSH_CHROOT" >>"$T/ssh/esx_config"
/usr/sbin/sshd -f "$T/ssh/esx_config" -E "$T/ssh/esx.log"
cleanup_fn 'kill $(cat "$T/ssh/esx.pid") 2>/dev/null'
printf '[127.0.0.1]:%s %s\n' "$ESX_PORT" "$(cut -d' ' -f1-2 "$T/ssh/host_key.pub")" >>"$KNOWN_HOSTS"
for i in $(seq 50); do [ -s "$T/ssh/esx.pid" ] && break; sleep 0.1; done

# ks NAME SOURCE-LINE DEST-DIR [OPTIONS-LINE]
ks () {
    cat >"$T/$1.ks" <<KS
$2
vm --vmx="[datastore1] testvm/testvm.vmx" --name=pvm
destination --type=local --dir=$3
${4:-}
KS
}
https_src="source --type=https --server=127.0.0.1:$NGINX_PORT --user=$USER --password-file=$PASSWORD_FILE --thumbprint=$FINGERPRINT"
ssh_src="source --type=ssh --server=127.0.0.1:$SSH_PORT --user=$SSH_USER --identity=$SSH_KEY --known-hosts=$KNOWN_HOSTS"
esx_src="source --type=ssh --server=127.0.0.1:$ESX_PORT --user=$ESX_USER --identity=$SSH_KEY --known-hosts=$KNOWN_HOSTS"
# run NAME PATTERN: check mode fails (exit 1), and its events match
# PATTERN (an extended regexp); nothing is left in out/ or the workdir.
run () {
    local r=0
    "$agent" check -k "$T/$1.ks" --workdir "$T/wd" --machine-readable \
        >"$T/$1.json" 2>"$T/$1.err" || r=$?
    [ $r = 1 ] || { cat "$T/$1.err"; fail "$1: exit $r"; }
    grep -qE -- "$2" "$T/$1.json" || { cat "$T/$1.json"; fail "$1: no '$2'"; }
    [ -z "$(ls -A "$T/out")$(ls -A "$T/wd")" ] || fail "$1: something was left"
    log "$1: $(grep -oE -- "$2" "$T/$1.json" | head -1)"
}
# state POWER: the stand-in's VM in that state, its other files removed.
state () {
    rm -f "$SSH_CHROOT/state"/{tools,on-at,off-at,count,log}
    echo "$1" >"$SSH_CHROOT/state/power"
    chown "$ESX_USER" "$SSH_CHROOT/state/power"
}

log "HTTPS: no API; the warning says whether a .vswp is there"
ks https-off "$https_src" "$T/taken"
run https-off '"warning","stage":"source","message":"cannot tell whether \[datastore1\] testvm/testvm.vmx is powered off \(no API over plain HTTPS; no .vswp file beside the .vmx\)'
: >"$DATASTORE/testvm/testvm-5d3a1c2e.vswp"
run https-off 'testvm-5d3a1c2e.vswp \(a .vswp file\) is beside the .vmx: ESXi makes it at power-on'
grep -q '"event":"error".*pvm.xml' "$T/https-off.json" || fail "https: did not go on to the name check"
[ "$(grep -c '"event":"warning"' "$T/https-off.json")" = 1 ] || fail "https: not one warning"
rm "$DATASTORE/testvm/testvm-5d3a1c2e.vswp"

log "SSH to a plain sshd (SFTP only): cannot tell"
ks ssh-plain "$ssh_src" "$T/taken"
run ssh-plain 'cannot tell whether \[datastore1\] testvm/testvm.vmx is powered off \((no vim-cmd on|vim-cmd vmsvc/getallvms on) 127.0.0.1:'

log "SSH to ESXi (stand-in vim-cmd)"
state on
ks esx-on "$esx_src" "$T/out"
run esx-on '"error".*"message":"source: \[datastore1\] testvm/testvm.vmx is powered on \(vim-cmd vmsvc/power.getstate 7\): shut it down in vSphere, or add options --shutdown-source to shut it down first"'
[ "$(cat "$SSH_CHROOT/state/log")" = "$(printf 'vmsvc/getallvms\nvmsvc/power.getstate 7')" ] ||
    fail "esx-on: vim-cmd calls: $(cat "$SSH_CHROOT/state/log")"
state suspended
run esx-on 'is suspended \(vim-cmd vmsvc/power.getstate 7\): shut it down in vSphere, or add options --shutdown-source --hard-power-off'

state on                        # no VMware Tools: the guest shutdown fails
ks esx-notools "$esx_src" "$T/out" "options --shutdown-source --shutdown-timeout=10"
run esx-notools 'is still powered on after [0-9]+ s: the guest did not shut down .*add --hard-power-off'
grep -q 'power.shutdown 7' "$SSH_CHROOT/state/log" || fail "no power.shutdown"
grep -q 'power.off' "$SSH_CHROOT/state/log" && fail "powered off without --hard-power-off"

state on
ks esx-hard "$esx_src" "$T/taken" "options --shutdown-source --shutdown-timeout=10 --hard-power-off"
run esx-hard '"info","stage":"source","message":"\[datastore1\] testvm/testvm.vmx is powered off now \(vim-cmd vmsvc/power.getstate 7\)'
grep -q 'power.off 7' "$SSH_CHROOT/state/log" || fail "esx-hard: no power.off"
grep -q '"event":"error".*pvm.xml' "$T/esx-hard.json" || fail "esx-hard: did not go on"

# With VMware Tools: the shutdown is seen after two polls (getstate calls
# 2 to 4, then 5 checks it); call 6, before the overlay, finds it on.
state on; touch "$SSH_CHROOT/state/tools"; echo 6 >"$SSH_CHROOT/state/on-at"
ks esx-again "$esx_src" "$T/out" "options --shutdown-source --shutdown-timeout=30"
run esx-again '"error","stage":"overlay","message":"overlay: \[datastore1\] testvm/testvm.vmx was powered on during the run \(vim-cmd vmsvc/power.getstate 7\): its disks are changing; nothing was written'
grep -q '"info","stage":"source","message":".*is powered off now' "$T/esx-again.json" || fail "esx-again: not shut down"
grep -q 'power.off' "$SSH_CHROOT/state/log" && fail "esx-again: powered off without --hard-power-off"
grep -q '"stage","stage":"overlay"' "$T/esx-again.json" || fail "esx-again: not at the overlay"
log "ok"
