#!/bin/bash
# The wizard with the other kinds of source and destination: an SSH
# source whose unknown host key is shown and trusted (then written to
# the saved kickstart's known_hosts), a KVM host over qemu+ssh whose pools
# and networks are listed to choose from, the network map applied, then
# a conversion cancelled with Esc (the pool is left empty) and Retry
# back to Review.  Runs at 80x25 on TERM=linux (a VGA console: F10, F2).
source "$(dirname "$0")/../functions.sh"
requires which tmux nginx sshd libvirtd virsh

start_nginx
put_guest_on_datastore testvm
put_vmx_on_datastore testvm 00:50:56:aa:bb:01
start_sshd
start_libvirtd
pool=v2vboot-wiz-$$
make_pool "$pool" "$T/pool"
start_root_sshd
start_wizard linux

wiz_wait_for 'Network of this host'
wiz_keys F10
wiz_wait_for 'Where does the VM live'
log "SSH source: the unknown host key is shown, then trusted"
wiz_keys Up Right
wiz_wait_for 'SSH \(ESXi shell or Linux\)'
wiz_keys Tab "127.0.0.1:$SSH_PORT" Tab C-u "$SSH_USER" Tab "$(head -1 "$SSH_PASSWORD_FILE")" F10
wiz_wait_for 'The SSH host key is not known'
wiz_screen | grep -qF "$HOST_FP" || { wiz_screen; fail "host key fingerprint not shown"; }
wiz_keys y
wiz_wait_for 'VMs found on'
wiz_wait_for 'testvm \(prod\)'
wiz_keys Enter
wiz_wait_for 'New name'
wiz_keys F10

log "KVM host: pools and networks listed"
wiz_wait_for 'Where the converted VM goes'
wiz_keys Up Right
wiz_wait_for 'libvirt URI'
wiz_keys Tab C-u "qemu+ssh://root@127.0.0.1:$ROOT_SSH_PORT/system" Tab "$ROOT_SSH_KEY" Tab "$ROOT_KNOWN_HOSTS" F10
wiz_wait_for 'Storage pool'
# choose our pool; "VM Network" keeps the first network offered
wiz_keys Down
for i in $(seq 20); do
    wiz_screen | grep -qE "Storage pool +\[< $pool >" && break
    wiz_keys Right
    sleep 0.2
done
wiz_screen | grep -qE "Storage pool +\[< $pool >" || { wiz_screen; fail "pool $pool not offered"; }
net=$(virsh -q net-list --all --name | head -1)
[ -z "$net" ] || wiz_screen | grep -qE "VM Network +\[< $net >" || { wiz_screen; fail "network $net not offered"; }
wiz_keys F10
wiz_wait_for 'Start the conversion'
wiz_screen | grep -qE "Destination: pool $pool on qemu\+ssh://root@127.0.0.1:$ROOT_SSH_PORT/system" ||
    { wiz_screen; fail "review: destination"; }

log "save as kickstart: the trusted host key goes beside it"
wiz_keys Up Enter
wiz_wait_for 'Save the kickstart as'
wiz_keys C-u
for i in $(seq 30); do wiz_keys BSpace; done
wiz_keys "$T/ssh.ks" Enter
wiz_wait_for "Saved $T/ssh.ks"
grep -q -- "--known-hosts=$T/ssh.ks.known_hosts" "$T/ssh.ks" || { cat "$T/ssh.ks"; fail "no known_hosts in the kickstart"; }
ssh-keygen -lf "$T/ssh.ks.known_hosts" | grep -qF "$HOST_FP" || fail "the trusted key is not in ssh.ks.known_hosts"
"$agent" dump-config -k "$T/ssh.ks" >/dev/null || fail "the saved kickstart does not parse"

log "start, then cancel with Esc: nothing is left in the pool; Retry"
wiz_keys Down Enter
wiz_wait_for '\[>\] (overlay|inspect)' 120
wiz_keys Escape
wiz_wait_for 'Cancel the conversion\?'
wiz_keys y
wiz_wait_for 'The conversion failed' 120
wiz_screen | grep -q 'cancelled' || { wiz_screen; fail "no cancel reason"; }
[ -z "$(virsh -q vol-list "$pool")" ] || fail "the pool holds volumes after a cancel"
virsh -q list --all --name | grep -q . && fail "a domain was defined"
wiz_keys Enter
wiz_wait_for 'Start the conversion'
wiz_keys Escape
wiz_wait_for 'Quit the wizard\?'
wiz_keys y
wiz_wait_for 'WIZARD-EXIT=1'
