# Sourced by the bench parts that run virt-v2v 2.2 on the nginx source
# (bench.sh, bench-ratelimit.sh).  Its libvirtxml input can pass neither
# a password nor a CA file, so it reads the test guest from nginx's
# unauthenticated /open/ location, with the test certificate added to the
# system store for the bench's run only.

# virt_v2v_https_input XML PORT: the domain XML of testvm's disk at
# https://127.0.0.1:PORT/open/, and the certificate trusted until exit.
virt_v2v_https_input () {
    cp "$CERT" /usr/local/share/ca-certificates/v2vboot-bench.crt
    cleanup_fn 'rm -f /usr/local/share/ca-certificates/v2vboot-bench.crt; update-ca-certificates --fresh >/dev/null 2>&1'
    update-ca-certificates >/dev/null 2>&1
    cat >"$1" <<XML
<domain type='vmware'>
  <name>testvm</name>
  <memory unit='KiB'>1048576</memory>
  <vcpu>2</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
  <devices>
    <disk type='network' device='disk'>
      <driver name='qemu' type='raw'/>
      <source protocol='https' name='/open/testvm/testvm-flat.vmdk'>
        <host name='127.0.0.1' port='$2'/>
      </source>
      <target dev='sda' bus='scsi'/>
    </disk>
  </devices>
</domain>
XML
}
