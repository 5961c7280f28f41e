# Shared helpers for the integration tests (nbdkit's tests/functions.sh
# style): requires/skip, cleanup traps, the test guest, the nginx HTTPS
# source, kickstart files and the qemu boot check.
#
# Each test sources this file, then calls what it needs.  $T is a fresh
# directory removed at exit (kept with V2VBOOT_KEEP=1).

set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
agent=$top/build/v2vboot-agent
export LIBGUESTFS_BACKEND=direct
# KVM hangs on the CI machines; tests run qemu under TCG unless told.
export LIBGUESTFS_BACKEND_SETTINGS=${LIBGUESTFS_BACKEND_SETTINGS-force_tcg}
V2VBOOT_ACCEL=${V2VBOOT_ACCEL:-tcg}

T=$(mktemp -d /var/tmp/v2vboot-test.XXXXXX)
_cleanups=()
cleanup_fn () { _cleanups+=("$*"); }
_run_cleanups () {
    local i
    for (( i=${#_cleanups[@]}-1; i>=0; i-- )); do eval "${_cleanups[$i]}" || :; done
    if [ -z "${V2VBOOT_KEEP:-}" ]; then rm -rf "$T"; else echo "kept $T" >&2; fi
}
trap _run_cleanups EXIT

skip () { echo "SKIP: $*" >&2; exit 77; }
fail () { echo "FAIL: $*" >&2; exit 1; }
log () { echo "--- $*" >&2; }
# re_quote STRING: STRING as a grep -E pattern matching itself (SSH
# fingerprints are base64 and may hold '+').
re_quote () { printf '%s' "$1" | sed 's/[][\\.*^$+?(){}|]/\\&/g'; }

# in_ci: true when CI is set (CI=true), as CI services and .ci/run set it.
in_ci () { [ -n "${CI:-}" ] && [ "$CI" != false ] && [ "$CI" != 0 ]; }

# requires CMD...: skip unless CMD succeeds; in CI, where tests/setup.sh
# has installed everything, fail instead (a broken machine).
requires () {
    "$@" >/dev/null 2>&1 && return 0
    in_ci && fail "$* failed (CI=$CI: tests/setup.sh installs it, so this machine is broken)"
    skip "$* failed"
}

# no_update_in_ci: V2VBOOT_UPDATE_EXPECTED=1 rewrites golden files; in CI
# that would make the comparison blind, so the test fails instead.
no_update_in_ci () {
    if [ -n "${V2VBOOT_UPDATE_EXPECTED:-}" ] && in_ci; then
        fail "V2VBOOT_UPDATE_EXPECTED is set in CI (CI=$CI): golden files are never rewritten in CI"
    fi
}

free_port () {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# cached_build SCRIPT ARG...: a cached test disk builder
# (tests/guest/build-guest.sh, tests/windows/build-windows.sh), one at a
# time, so that two tests started together on a cold cache build once.
cached_build () {
    mkdir -p "${V2VBOOT_CACHE:-/var/cache/v2vboot}"
    flock "${V2VBOOT_CACHE:-/var/cache/v2vboot}/.build-lock" "$@"
}

# The cached VMware-like guest (built on first use, ~6 min).
guest_image () {
    local img=$T/guest-cache-copy.img
    cached_build "$top/tests/guest/build-guest.sh" "$img" >&2
    echo "$img"
}

# cert_fingerprint CERT: its SHA-256 fingerprint, AB:CD:... as --thumbprint
# takes it.
cert_fingerprint () {
    openssl x509 -in "$1" -noout -fingerprint -sha256 | cut -d= -f2
}

# wrong_fingerprint FP: a pin that differs from FP in its first byte.
wrong_fingerprint () {
    case $1 in
        00*) echo "11${1#00}" ;;
        *) echo "00${1#??}" ;;
    esac
}

# write_password_files GOOD WRONG: a random password in GOOD, another in
# WRONG (mode 600).
write_password_files () {
    (umask 077; printf 'Vmw@re-Secr3t-%s\n' "$RANDOM$RANDOM" >"$1"
     echo 'not-the-password' >"$2")
}

# start_nginx: an ESXi-like HTTPS file server on 127.0.0.1 (each response
# limited to $NGINX_LIMIT_RATE bytes/s if set, e.g. 10m).
# Sets NGINX_PORT, NGINX_DIR, DATASTORE (dir of datastore "datastore1"),
# CERT (its self-signed certificate), FINGERPRINT (SHA-256), a
# WRONG_FINGERPRINT, USER,
# PASSWORD_FILE, WRONG_PASSWORD_FILE.  /folder needs basic auth and lists
# directories as ESXi's datastore browser does (nginx's autoindex pages);
# /open/ serves the same files without (for virt-v2v in the bench).
start_nginx () {
    NGINX_DIR=$T/nginx
    mkdir -p "$NGINX_DIR"/{tmp,ds/ha-datacenter/datastore1}
    DATASTORE=$NGINX_DIR/ds/ha-datacenter/datastore1
    NGINX_PORT=$(free_port)
    CERT=$NGINX_DIR/cert.pem
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
        -addext "subjectAltName=IP:127.0.0.1,IP:10.0.2.2,DNS:localhost" \
        -keyout "$NGINX_DIR/key.pem" -out "$CERT" 2>/dev/null
    FINGERPRINT=$(cert_fingerprint "$CERT")
    WRONG_FINGERPRINT=$(wrong_fingerprint "$FINGERPRINT")
    USER=root
    PASSWORD_FILE=$NGINX_DIR/password
    WRONG_PASSWORD_FILE=$NGINX_DIR/wrong-password
    write_password_files "$PASSWORD_FILE" "$WRONG_PASSWORD_FILE"
    printf '%s:%s\n' "$USER" "$(openssl passwd -apr1 -in "$PASSWORD_FILE")" \
        >"$NGINX_DIR/htpasswd"
    cat >"$NGINX_DIR/nginx.conf" <<NGX
user root;
worker_processes 2;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log;
events { worker_connections 512; }
http {
    log_format v2v '\$remote_addr "\$request" \$status \$body_bytes_sent';
    access_log $NGINX_DIR/access.log v2v;
    client_body_temp_path $NGINX_DIR/tmp;
    proxy_temp_path $NGINX_DIR/tmp;
    fastcgi_temp_path $NGINX_DIR/tmp;
    uwsgi_temp_path $NGINX_DIR/tmp;
    scgi_temp_path $NGINX_DIR/tmp;
    server {
        listen 127.0.0.1:$NGINX_PORT ssl;
        ssl_certificate $CERT;
        ssl_certificate_key $NGINX_DIR/key.pem;
        ${NGINX_LIMIT_RATE:+limit_rate $NGINX_LIMIT_RATE;}
        # ESXi's datastore browser: /folder?dcPath=DC lists the
        # datastores, /folder?dcPath=DC&dsName=DS a datastore's root,
        # /folder/DIR/FILE?dcPath=DC&dsName=DS a directory or a file.
        location = /folder {
            rewrite ^ /_index/\$arg_dcPath/\$arg_dsName/ last;
        }
        location /_index/ {
            internal;
            auth_basic "VMware HTTP server";
            auth_basic_user_file $NGINX_DIR/htpasswd;
            alias $NGINX_DIR/ds/;
            autoindex on;
        }
        location ~ ^/folder/(.+)\$ {
            auth_basic "VMware HTTP server";
            auth_basic_user_file $NGINX_DIR/htpasswd;
            alias $NGINX_DIR/ds/\$arg_dcPath/\$arg_dsName/\$1;
            autoindex on;
        }
        location /open/ {
            alias $NGINX_DIR/ds/ha-datacenter/datastore1/;
        }
        location / { return 404; }
    }
}
NGX
    cleanup_fn 'stop_nginx'
    restart_nginx
}

# wait_for_copy EVENTS PID: wait until the agent PID, writing
# --machine-readable events to EVENTS, has copied its first bytes (up to
# 10 min: a loaded machine converts slowly).  Returns 1 if it ended
# before that.
wait_for_copy () {
    local i
    for i in $(seq 3000); do
        grep -q '"event":"copy","disk":0,"done":[1-9]' "$1" && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.2
    done
    return 1
}

# Stop nginx at once: every connection is cut.
stop_nginx () {
    local pid
    pid=$(cat "$NGINX_DIR/nginx.pid" 2>/dev/null) || return 0
    kill -TERM "$pid" 2>/dev/null || :
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}

# (Re)start nginx with the configuration start_nginx wrote.
restart_nginx () {
    local i
    nginx -c "$NGINX_DIR/nginx.conf" -p "$NGINX_DIR" -e "$NGINX_DIR/error.log"
    for i in $(seq 50); do
        curl -sk -o /dev/null "https://127.0.0.1:$NGINX_PORT/" && return 0
        sleep 0.1
    done
    fail "nginx did not start"
}

# start_sshd: OpenSSH's sshd on 127.0.0.1 serving the nginx datastore
# (start_nginx first) read-only as /vmfs/volumes/datastore1 over SFTP, to
# user v2vboot-test (created if missing) chrooted, with key and password
# logins.  Sets SSH_PORT, SSH_USER, SSH_KEY (private key), SSH_PASSWORD_FILE,
# KNOWN_HOSTS (with the host key), HOST_FP (its SHA256 fingerprint).
start_sshd () {
    local d=$T/ssh
    mkdir -p "$d" /run/sshd
    SSH_USER=v2vboot-test
    id "$SSH_USER" >/dev/null 2>&1 ||
        useradd --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$SSH_USER"
    # One password per machine, made once: test runs at the same time
    # share the user, so none may change it under another.
    SSH_PASSWORD_FILE=${V2VBOOT_CACHE:-/var/cache/v2vboot}/sftp-password
    if [ ! -s "$SSH_PASSWORD_FILE" ]; then
        mkdir -p "$(dirname "$SSH_PASSWORD_FILE")"
        (umask 077; printf 'Ssh-%s-pw\n' "$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')" \
            >"$SSH_PASSWORD_FILE.new" && mv -n "$SSH_PASSWORD_FILE.new" "$SSH_PASSWORD_FILE")
        rm -f "$SSH_PASSWORD_FILE.new"
    fi
    printf '%s:%s\n' "$SSH_USER" "$(head -1 "$SSH_PASSWORD_FILE")" | chpasswd
    # The chroot and every directory above it: root-owned, not writable
    # by others (sshd checks); the datastore is bind-mounted read-only.
    SSH_CHROOT=$(mktemp -d /run/v2vboot-sshd.XXXXXX)
    chmod 755 "$SSH_CHROOT"
    mkdir -p "$SSH_CHROOT/vmfs/volumes/datastore1"
    mount --bind "$DATASTORE" "$SSH_CHROOT/vmfs/volumes/datastore1"
    mount -o remount,ro,bind "$SSH_CHROOT/vmfs/volumes/datastore1"
    cleanup_fn 'umount "$SSH_CHROOT/vmfs/volumes/datastore1"; rm -rf "$SSH_CHROOT"'
    ssh-keygen -q -t ed25519 -N '' -f "$d/host_key"
    ssh-keygen -q -t ed25519 -N '' -f "$d/id"
    SSH_KEY=$d/id
    install -m 644 "$d/id.pub" "$SSH_CHROOT/authorized_keys"
    SSH_PORT=$(free_port)
    cat >"$d/sshd_config" <<CFG
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $d/host_key
PidFile $d/sshd.pid
AuthorizedKeysFile $SSH_CHROOT/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers $SSH_USER
Subsystem sftp internal-sftp
Match User $SSH_USER
    ChrootDirectory $SSH_CHROOT
    ForceCommand internal-sftp
    AllowTcpForwarding no
CFG
    /usr/sbin/sshd -f "$d/sshd_config" -E "$d/sshd.log"
    cleanup_fn 'kill $(cat "$T/ssh/sshd.pid") 2>/dev/null'
    KNOWN_HOSTS=$d/known_hosts
    printf '[127.0.0.1]:%s %s\n' "$SSH_PORT" "$(cut -d' ' -f1-2 "$d/host_key.pub")" >"$KNOWN_HOSTS"
    HOST_FP=$(ssh-keygen -lf "$d/host_key.pub" | cut -d' ' -f2)
    local i
    for i in $(seq 50); do
        [ -s "$d/sshd.pid" ] && return 0
        sleep 0.1
    done
    fail "sshd did not start: $(cat "$d/sshd.log")"
}

# start_vcsim [esx|vcenter]: VMware's vSphere simulator (vcsim, built by
# tests/tools/build-vcsim.sh) on 127.0.0.1: an ESXi host (esx, the
# default: datacenter ha-datacenter, VMs ha-host_VM0 and ha-host_VM1) or a
# vCenter (vcenter: DC0, VMs DC0_H0_VM0, DC0_H0_VM1, DC0_C0_RP0_VM0 and
# DC0_C0_RP0_VM1), datastore LocalDS_0 in both; every VM starts powered
# on.  Its certificate (for 127.0.0.1) is signed by a 2048-bit test CA of
# our own: vcsim's built-in one is RSA-1024, which Debian 12's OpenSSL
# refuses.  The API login takes VCSIM_USER with the password in
# VCSIM_PASSWORD_FILE only (vcsim has it in its argv: a test server);
# /folder checks no credentials at all.  Sets VCSIM_PORT, VCSIM_SERVER
# (127.0.0.1:PORT), VCSIM_URL (the API's /sdk), VCSIM_CA (the CA's
# certificate), VCSIM_THUMBPRINT (the server certificate's SHA-256),
# VCSIM_WRONG_THUMBPRINT, VCSIM_USER, VCSIM_PASSWORD_FILE,
# VCSIM_WRONG_PASSWORD_FILE, VCSIM_DC, VCSIM_VM (the first VM),
# VCSIM_DATASTORE (LocalDS_0's directory), VCSIM_PID, VCSIM_BIN (where
# vcsim and govc are).  A second call starts a second simulator (the
# variables then name it); each is killed at exit.
start_vcsim () {
    local mode=${1:-esx} d=$T/vcsim-${1:-esx} esx=() i
    case $mode in
        esx) esx=(-esx) VCSIM_DC=ha-datacenter VCSIM_VM=ha-host_VM0 VCSIM_USER=root ;;
        vcenter) VCSIM_DC=DC0 VCSIM_VM=DC0_H0_VM0 VCSIM_USER=administrator@vsphere.local ;;
        *) fail "start_vcsim: no mode $mode" ;;
    esac
    # Built here if tests/setup.sh has not (a no-op when cached).
    if ! VCSIM_BIN=$("$top/tests/tools/build-vcsim.sh"); then
        in_ci && fail "vcsim could not be built (CI=$CI: tests/setup.sh builds it)"
        skip "vcsim could not be built (tests/setup.sh installs what it needs)"
    fi
    mkdir -p "$d/tmp"
    VCSIM_CA=$d/ca.pem
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=v2vboot test CA" \
        -keyout "$d/ca-key.pem" -out "$VCSIM_CA" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 \
        -keyout "$d/key.pem" -out "$d/cert.csr" 2>/dev/null
    printf '%s\n' subjectAltName=IP:127.0.0.1 basicConstraints=CA:FALSE \
        extendedKeyUsage=serverAuth >"$d/cert.ext"
    openssl x509 -req -in "$d/cert.csr" -CA "$VCSIM_CA" -CAkey "$d/ca-key.pem" \
        -CAcreateserial -days 2 -extfile "$d/cert.ext" -out "$d/cert.pem" 2>/dev/null
    VCSIM_THUMBPRINT=$(cert_fingerprint "$d/cert.pem")
    VCSIM_WRONG_THUMBPRINT=$(wrong_fingerprint "$VCSIM_THUMBPRINT")
    VCSIM_PASSWORD_FILE=$d/password VCSIM_WRONG_PASSWORD_FILE=$d/wrong-password
    write_password_files "$VCSIM_PASSWORD_FILE" "$VCSIM_WRONG_PASSWORD_FILE"
    VCSIM_PORT=$(free_port)
    VCSIM_SERVER=127.0.0.1:$VCSIM_PORT
    VCSIM_URL=https://$VCSIM_SERVER/sdk
    # vcsim makes its datastores' directories in $TMPDIR; once serving,
    # it prints its govc variables on stdout.
    TMPDIR=$d/tmp "$VCSIM_BIN/vcsim" "${esx[@]}" -l "$VCSIM_SERVER" \
        -tlscert "$d/cert.pem" -tlskey "$d/key.pem" -username "$VCSIM_USER" \
        -password "$(head -1 "$VCSIM_PASSWORD_FILE")" >"$d/env" 2>"$d/vcsim.log" &
    VCSIM_PID=$!
    cleanup_fn "kill $VCSIM_PID 2>/dev/null"
    for (( i = 0; i < 300; i++ )); do
        grep -qs GOVC_URL "$d/env" && break
        kill -0 $VCSIM_PID 2>/dev/null || fail "vcsim did not start: $(cat "$d/vcsim.log")"
        sleep 0.1
    done
    curl -sf --cacert "$VCSIM_CA" -o /dev/null "https://$VCSIM_SERVER/about" ||
        fail "vcsim does not answer over TLS with the test CA: $(cat "$d/vcsim.log")"
    VCSIM_DATASTORE=$(echo "$d/tmp/govcsim-$VCSIM_DC-LocalDS_0-"*)
    [ -d "$VCSIM_DATASTORE" ] || fail "vcsim's LocalDS_0 is not in $d/tmp"
}

# govc ARG...: VMware's CLI against the last start_vcsim's simulator
# (the password in its environment, not its argv).
govc () {
    GOVC_URL=$VCSIM_URL GOVC_USERNAME=$VCSIM_USER GOVC_TLS_CA_CERTS=$VCSIM_CA \
        GOVC_PASSWORD=$(head -1 "$VCSIM_PASSWORD_FILE") GOVC_PERSIST_SESSION=false \
        GOVC_DATACENTER=$VCSIM_DC "$VCSIM_BIN/govc" "$@"
}

# vcsim_power VM: the VM's power state as the API has it (poweredOn,
# poweredOff or suspended).
vcsim_power () {
    govc object.collect -s "/$VCSIM_DC/vm/$1" runtime.powerState
}

# vcsim_set_power VM STATE: puts the VM in STATE (as vcsim_power names it).
vcsim_set_power () {
    local now
    now=$(vcsim_power "$1")
    [ "$now" = "$2" ] && return 0
    case $2 in
        poweredOff) govc vm.power -off "$1" ;;
        poweredOn) govc vm.power -on "$1" ;;
        suspended)
            [ "$now" = poweredOn ] || govc vm.power -on "$1"
            govc vm.power -suspend "$1" ;;
    esac >/dev/null
    [ "$(vcsim_power "$1")" = "$2" ] || fail "vcsim: $1 is not $2"
}

# put_guest_on_vcsim VM: the test guest as vcsim's VM VM, powered off, in
# the layout the API gives the VM: its disk [LocalDS_0] VM/disk1.vmdk (a
# descriptor of disk1-flat.vmdk, the cached guest's disk) and VM/VM.vmx
# (put_vmx_on_datastore) with the API's MAC (VCSIM_MAC) and network
# (VCSIM_NETWORK); the API's disk size, memory and vCPUs made the .vmx's.
# vcsim's own files there are empty.
put_guest_on_vcsim () {
    local vm=$1 dir=$VCSIM_DATASTORE/$1
    vcsim_set_power "$vm" poweredOff
    cached_build "$top/tests/guest/build-guest.sh" "$dir/disk1-flat.vmdk" >&2
    VCSIM_MAC=$(govc device.info -json -vm "$vm" ethernet-0 |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["Devices"][0]["MacAddress"])')
    VCSIM_NETWORK=$(govc vm.info -r "$vm" | sed -n 's/^ *Network: *//p')
    DATASTORE=$VCSIM_DATASTORE put_vmx_on_datastore "$vm" "$VCSIM_MAC" debian12-64 disk1
    sed -i "s/^ethernet0.networkName = .*/ethernet0.networkName = \"$VCSIM_NETWORK\"/
            s|/vmfs/volumes/datastore1/|/vmfs/volumes/LocalDS_0/|" "$dir/$vm.vmx"
    govc vm.disk.change -vm "$vm" -disk.filePath "[LocalDS_0] $vm/disk1.vmdk" \
        -size "$(( $(stat -c %s "$dir/disk1-flat.vmdk") >> 10 ))KB"
    govc vm.change -vm "$vm" -m 1536 -c 2
}

# unix_socket_answers PATH: true when a process accepts connections on
# the Unix socket PATH (a file left by a dead daemon does not).
unix_socket_answers () {
    python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])' "$1" 2>/dev/null
}

# start_libvirtd: the system libvirtd (started here, and stopped at the
# end, unless one is already running).  Tests that use it run one at a
# time (run-tests.sh runs two tests at once): they take a lock held until
# the test ends, so none sees another's pools or domains.
start_libvirtd () {
    exec {_libvirt_lock}>/run/lock/v2vboot-libvirtd
    flock -w 2400 "$_libvirt_lock" ||
        fail "another test has held libvirtd for 40 min (/run/lock/v2vboot-libvirtd)"
    # (virtlogd keeps the domains' qemu logs: the verify stage starts
    # one.  A killed virtlogd leaves its socket file behind: what counts
    # is whether something answers on it.)
    if ! unix_socket_answers /run/libvirt/virtlogd-sock; then
        mkdir -p /var/log/libvirt
        rm -f /run/libvirt/virtlogd-sock /run/libvirt/virtlogd-admin-sock
        virtlogd --daemon {_libvirt_lock}>&-    # (the lock is not its to keep)
        cleanup_fn 'kill $(cat /run/virtlogd.pid) 2>/dev/null'
        local j
        for j in $(seq 50); do
            unix_socket_answers /run/libvirt/virtlogd-sock && break
            sleep 0.1
        done
        unix_socket_answers /run/libvirt/virtlogd-sock || fail "virtlogd did not start"
    fi
    if virsh -c qemu:///system version >/dev/null 2>&1; then return 0; fi
    mkdir -p /var/log/libvirt
    libvirtd --daemon
    cleanup_fn 'kill $(cat /run/libvirtd.pid) 2>/dev/null'
    local i
    for i in $(seq 50); do
        virsh -c qemu:///system version >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    fail "libvirtd did not start"
}

# make_pool NAME DIR: an active directory pool, removed (with its volumes)
# at the end.
make_pool () {
    mkdir -p "$2"
    virsh -q pool-define-as "$1" dir --target "$2" >/dev/null
    virsh -q pool-start "$1" >/dev/null
    cleanup_fn "for v in \$(virsh -q vol-list $1 | awk '{print \$1}'); do virsh -q vol-delete \$v --pool $1; done; virsh -q pool-destroy $1; virsh -q pool-undefine $1"
}

# start_kvm_host NAME: this host as the KVM host of a libvirt
# destination: the system libvirtd (LIBVIRT_DEFAULT_URI set to it), an
# active pool v2vboot-NAME-PID in $T/pool (its name in $POOL), and a root
# sshd for qemu+ssh (start_root_sshd).
start_kvm_host () {
    start_libvirtd
    export LIBVIRT_DEFAULT_URI=qemu:///system
    POOL=v2vboot-$1-$$
    # (qemu runs as libvirt-qemu: it must pass through $T to the pool,
    # as through /var/lib/libvirt/images on a real host)
    chmod o+x "$T"
    make_pool "$POOL" "$T/pool"
    start_root_sshd
}

# start_root_sshd: an sshd on 127.0.0.1 for root key logins (the KVM host
# of qemu+ssh://root@127.0.0.1:PORT/system).  Sets ROOT_SSH_PORT,
# ROOT_SSH_KEY, ROOT_KNOWN_HOSTS.
start_root_sshd () {
    local d=$T/rootssh
    mkdir -p "$d" /run/sshd
    ssh-keygen -q -t ed25519 -N '' -f "$d/host_key"
    ssh-keygen -q -t ed25519 -N '' -f "$d/id"
    ROOT_SSH_KEY=$d/id
    install -m 644 "$d/id.pub" "$d/authorized_keys"
    ROOT_SSH_PORT=$(free_port)
    cat >"$d/sshd_config" <<CFG
Port $ROOT_SSH_PORT
ListenAddress 127.0.0.1
HostKey $d/host_key
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers root
CFG
    /usr/sbin/sshd -f "$d/sshd_config" -E "$d/sshd.log"
    cleanup_fn 'kill $(cat "$T/rootssh/sshd.pid") 2>/dev/null'
    ROOT_KNOWN_HOSTS=$d/known_hosts
    printf '[127.0.0.1]:%s %s\n' "$ROOT_SSH_PORT" "$(cut -d' ' -f1-2 "$d/host_key.pub")" >"$ROOT_KNOWN_HOSTS"
    local i
    for i in $(seq 50); do [ -s "$d/sshd.pid" ] && return 0; sleep 0.1; done
    fail "root sshd did not start: $(cat "$d/sshd.log")"
}

# put_guest_on_datastore VMDIR: the test guest as VMDIR/VMDIR-flat.vmdk.
put_guest_on_datastore () {
    local vm=$1
    mkdir -p "$DATASTORE/$vm"
    cached_build "$top/tests/guest/build-guest.sh" "$DATASTORE/$vm/$vm-flat.vmdk" >&2
}

# put_vmx_on_datastore VM MAC [GUEST-OS [DISK]]: a .vmx and descriptor
# .vmdk beside the flat disk, as ESXi lays them out (DISK.vmdk describes
# DISK-flat.vmdk; DISK is VM unless told).
put_vmx_on_datastore () {
    local vm=$1 mac=$2 dir=$DATASTORE/$1 os=${3:-debian12-64} disk=${4:-$1}
    cat >"$dir/$vm.vmx" <<VMX
.encoding = "UTF-8"
config.version = "8"
virtualHW.version = "19"
displayName = "$vm (prod)"
guestOS = "$os"
memSize = "1536"
numvcpus = "2"
scsi0.present = "TRUE"
scsi0.virtualDev = "pvscsi"
scsi0:0.present = "TRUE"
scsi0:0.fileName = "$disk.vmdk"
scsi0:0.deviceType = "scsi-hardDisk"
sata0:0.present = "TRUE"
sata0:0.deviceType = "cdrom-image"
sata0:0.fileName = "/vmfs/volumes/datastore1/iso/debian.iso"
ethernet0.present = "TRUE"
ethernet0.virtualDev = "vmxnet3"
ethernet0.networkName = "VM Network"
ethernet0.addressType = "static"
ethernet0.address = "$mac"
VMX
    cat >"$dir/$disk.vmdk" <<VMDK
# Disk DescriptorFile
version=1
encoding="UTF-8"
CID=fffffffe
parentCID=ffffffff
createType="vmfs"

# Extent description
RW $(( $(stat -c %s "$dir/$disk-flat.vmdk") / 512 )) VMFS "$disk-flat.vmdk"

# The Disk Data Base
ddb.adapterType = "pvscsi"
VMDK
}

# put_two_disk_guest_on_datastore VM MAC: the two-disk test guest (/ on
# the first disk, /var on the second, which fstab calls /dev/sdb1) as
# VM/VM-flat.vmdk and VM/VM_1-flat.vmdk, with a .vmx naming both
# (scsi0:0, scsi0:1) and a descriptor for each.
put_two_disk_guest_on_datastore () {
    local vm=$1 dir=$DATASTORE/$1
    mkdir -p "$dir"
    cached_build "$top/tests/guest/build-guest.sh" --two "$dir/$vm-flat.vmdk" "$dir/${vm}_1-flat.vmdk" >&2
    put_vmx_on_datastore "$vm" "$2"
    cat >>"$dir/$vm.vmx" <<VMX
scsi0:1.present = "TRUE"
scsi0:1.fileName = "${vm}_1.vmdk"
scsi0:1.deviceType = "scsi-hardDisk"
VMX
    sed "s/$vm-flat.vmdk/${vm}_1-flat.vmdk/; s/^RW [0-9]*/RW $(( $(stat -c %s "$dir/${vm}_1-flat.vmdk") / 512 ))/" \
        "$dir/$vm.vmdk" >"$dir/${vm}_1.vmdk"
}

# nginx bytes sent for requests matching a pattern.
nginx_bytes () {
    awk -v pat="$1" '$0 ~ pat { s += $(NF) } END { print s + 0 }' \
        "$NGINX_DIR/access.log"
}

# disks_data_bytes DISK...: the data bytes of the images (qemu-img map).
disks_data_bytes () {
    local d
    for d in "$@"; do qemu-img map --output=json "$d"; done |
        python3 -c 'import json,sys
d = json.JSONDecoder(); s = sys.stdin.read().strip(); t = 0
while s:
    m, i = d.raw_decode(s); s = s[i:].strip()
    t += sum(e["length"] for e in m if e["data"])
print(t)'
}

# check_only_used LOG MAX-READ MAX-OUT DISK...: the source bytes read
# (nginx: the -flat.vmdk files under /folder) per byte of output data
# at most MAX-READ, and output data per byte used in the guest's
# filesystems (the run's LOG, trim.c) at most MAX-OUT (- for no such
# check): only used blocks were copied.
check_only_used () {
    local log=$1 max_read=$2 max_out=$3 read out used; shift 3
    read=$(nginx_bytes "/folder/.*-flat\\.vmdk") out=$(disks_data_bytes "$@")
    used=$(sed -n 's/.* filesystems trimmed, \([0-9]*\) MiB used in them.*/\1/p' "$log" | tail -1)
    [ -n "$used" ] || fail "$log: no 'filesystems trimmed, N MiB used in them'"
    log "source read $read bytes, output data $out, used $used MiB"
    python3 - "$read" "$out" "$used" "$max_read" "$max_out" <<'PY' || fail "more than the used blocks copied (see above)"
import sys
r, o, u = (int(x) for x in sys.argv[1:4]); u <<= 20
mr, mo = sys.argv[4], sys.argv[5]
print("read/output %.3f (at most %s), output/used %.3f (at most %s)"
      % (r / o, mr, o / u, mo), file=sys.stderr)
sys.exit(r / o > float(mr) or (mo != "-" and o / u > float(mo)))
PY
}

# check_trimmed LOG DEV...: the run trimmed each filesystem DEV.
check_trimmed () {
    local log=$1 dev; shift
    for dev in "$@"; do
        grep -q "trimmed $dev (" "$log" ||
            { grep -i trim "$log" >&2; fail "$dev was not trimmed"; }
    done
}

# write_ks FILE VM DESTDIR [extra source options]
write_ks () {
    local file=$1 vm=$2 dest=$3; shift 3
    cat >"$file" <<KS
# $vm from the test ESXi (nginx) into $dest
source --type=https --server=127.0.0.1:$NGINX_PORT --user=$USER \\
       --password-file=$PASSWORD_FILE $*
disk --path="[datastore1] $vm/$vm-flat.vmdk"
vm --name=$vm-kvm --memory=1024 --vcpus=2
destination --type=local --dir=$dest --format=qcow2
KS
}

# convert_guest_vm VM: converts the .vmx-described VM VM on the test
# datastore (put_vmx_on_datastore) into $T/out with the agent, its log in
# $T/run.log; sets CONVERTED_XML and CONVERTED_DISK (its first disk).
convert_guest_vm () {
    local vm=$1 start=$SECONDS
    mkdir -p "$T/out" "$T/wd"
    cat >"$T/ks" <<KS
source --type=https --server=127.0.0.1:$NGINX_PORT --user=$USER \\
       --password-file=$PASSWORD_FILE --cacert=$CERT
vm --vmx="[datastore1] $vm/$vm.vmx"
destination --type=local --dir=$T/out
network --map="VM Network=default"
KS
    log "conversion of $vm"
    "$agent" run -k "$T/ks" --workdir "$T/wd" 2>"$T/run.log" ||
        { tail -20 "$T/run.log"; fail "run failed"; }
    log "converted in $(( SECONDS - start )) s"
    CONVERTED_XML=$(ls "$T/out"/*.xml)
    CONVERTED_DISK=$(ls "$T/out"/*-sda.qcow2)
}

# boot_disk DISK FORMAT LOG [TIMEOUT]: boot on virtio-blk (virtio-scsi if
# BOOT_BUS=scsi; with a virtio NIC of MAC $BOOT_MAC if set) until the
# marker's last line or an initramfs shell.  Returns 0 if the marker
# appeared.  The machine is $BOOT_MACHINE, by default pc for BIOS (the
# machine these proofs have always used; the domains name q35, which the
# verify stage boots) and q35 for UEFI.  UEFI if BOOT_UEFI_CODE names the firmware code, with a
# fresh copy of the variables template $BOOT_UEFI_VARS each boot (empty
# variables, as a new domain gets); stops at the UEFI shell too.  With
# BOOT_TYPE_ON=TEXT, BOOT_TYPE_TEXT and a newline are typed on the serial
# console once TEXT appears on it (a LUKS passphrase prompt).  The
# disks in BOOT_MORE_DISKS (of FORMAT, space-separated) come after DISK.
# A kernel that panics at its timer check ("IO-APIC + timer doesn't
# work", a TCG vCPU starved on a loaded machine, before anything of the
# conversion matters) is booted again, twice at most; the boot log keeps
# every try.
boot_disk () {
    local try
    for try in 1 2 3; do
        boot_disk_once "$@" && return 0
        grep -q "IO-APIC + timer doesn't work" "$3" || return 1
        log "boot $try: the kernel's timer check failed under TCG (load $(cut -d' ' -f1 /proc/loadavg)): booting again"
        cp "$3" "$3.try$try"
    done
    return 1
}
boot_disk_once () {
    local disk=$1 fmt=$2 log=$3 timeout=${4:-300} nic=() fw=(-machine "${BOOT_MACHINE:-pc}")
    local serial=(-serial "file:$log") fifo=$T/boot-serial typed= reader=
    if [ -n "${BOOT_UEFI_CODE:-}" ]; then
        cp "$BOOT_UEFI_VARS" "$T/boot-vars.fd"
        fw=(-machine "${BOOT_MACHINE:-q35}"
            -drive "if=pflash,format=raw,readonly=on,file=$BOOT_UEFI_CODE"
            -drive "if=pflash,format=raw,file=$T/boot-vars.fd")
    fi
    local drive=(-drive "file=$disk,format=$fmt,if=virtio,snapshot=on") more
    for more in ${BOOT_MORE_DISKS:-}; do drive+=(-drive "file=$more,format=$fmt,if=virtio,snapshot=on"); done
    [ -n "${BOOT_MAC:-}" ] && nic=(-netdev user,id=n0 -device "virtio-net-pci,netdev=n0,mac=$BOOT_MAC")
    [ "${BOOT_BUS:-}" = scsi ] && drive=(-device virtio-scsi-pci,id=scsi0
        -drive "file=$disk,format=$fmt,if=none,id=d0,snapshot=on" -device scsi-hd,drive=d0)
    : >"$log"
    if [ -n "${BOOT_TYPE_ON:-}" ]; then
        # qemu's pipe chardev: it reads $fifo.in, writes $fifo.out.
        rm -f "$fifo.in" "$fifo.out"
        mkfifo "$fifo.in" "$fifo.out"
        serial=(-chardev "pipe,id=ser0,path=$fifo" -serial chardev:ser0)
        cat "$fifo.out" >>"$log" &
        reader=$!
    fi
    qemu-system-x86_64 -accel "$V2VBOOT_ACCEL" -m 1024 -smp 2 -nodefaults \
        -display none -no-reboot "${serial[@]}" "${fw[@]}" \
        "${drive[@]}" "${nic[@]}" -net none &
    local pid=$! i
    for (( i=0; i<timeout; i++ )); do
        if grep -q 'V2VBOOT-DONE' "$log"; then
            kill $pid; wait $pid 2>/dev/null || :
            [ -z "$reader" ] || wait $reader 2>/dev/null || :
            return 0
        fi
        if [ -n "${BOOT_TYPE_ON:-}" ] && [ -z "$typed" ] && grep -qF -- "$BOOT_TYPE_ON" "$log"; then
            sleep 1
            printf '%s\n' "${BOOT_TYPE_TEXT:-}" >"$fifo.in"
            typed=1
        fi
        if grep -qE 'ALERT!|\(initramfs\)|Kernel panic|Shell> ' "$log"; then sleep 2; break; fi
        kill -0 $pid 2>/dev/null || break
        sleep 1
    done
    kill $pid 2>/dev/null || :; wait $pid 2>/dev/null || :
    [ -z "$reader" ] || wait $reader 2>/dev/null || :
    return 1
}

# start_wizard TERM: v2vboot-tui at 80x25 with that TERM in a private
# tmux server (TMPDIR=$T, so its private directory is checked too); the
# pane prints WIZARD-EXIT=STATUS when it ends.  Then: wiz_screen (the
# screen as text), wiz_keys KEY... (tmux key names), wiz_wait_for PATTERN
# [SECONDS] (grep -E on the screen; fails with the screen shown).
start_wizard () {
    WIZ_TMUX="tmux -L v2vboot-wizard-$$"
    $WIZ_TMUX new-session -d -s wiz -x 80 -y 25 \
        "TERM=$1 TMPDIR=$T $top/build/v2vboot-tui; echo WIZARD-EXIT=\$?; sleep 3600"
    cleanup_fn "$WIZ_TMUX kill-server 2>/dev/null"
}
wiz_screen () { $WIZ_TMUX capture-pane -t wiz -p; }
wiz_keys () { $WIZ_TMUX send-keys -t wiz "$@"; }
wiz_wait_for () {
    local i
    for (( i = 0; i < ${2:-20} * 5; i++ )); do
        wiz_screen | grep -qE -- "$1" && return 0
        sleep 0.2
    done
    wiz_screen >&2
    fail "the screen never showed: $1"
}
