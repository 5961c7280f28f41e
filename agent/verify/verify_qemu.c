/* The qemu command line of the test boot: the defined domain's machine,
 * firmware, memory, vCPUs, disk bus, NIC models and MACs and video, with
 * its disks behind the overlays and every NIC on a hub of its own that
 * goes nowhere (no route, no reply: the source VM's MAC and address may
 * be live elsewhere), each NIC's frames captured (filter-dump), no option
 * ROM (so that a disk that does not boot is not hidden by a PXE boot
 * that transmits), the serial console to a file, QMP and the guest
 * agent's channel on sockets in the work directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Short names: the command line is long. */
#define add v2v_strvec_add
#define addf v2v_strvec_addf

static int
add_disks (struct v2v_string_vector *v, const struct v2v_verify_vm *vm)
{
  const struct v2v_domain *dom = vm->dom;
  size_t i;
  int r = 0;

  if (dom->block_driver == V2V_BLOCK_VIRTIO_SCSI)
    r |= add (v, "-device") | add (v, "virtio-scsi-pci,id=scsi0");
  if (dom->block_driver == V2V_BLOCK_SATA && dom->legacy_machine)
    r |= add (v, "-device") | add (v, "ich9-ahci,id=sata0");
  for (i = 0; i < dom->nr_disks; ++i) {
    char boot[16] = "";

    if (i == 0)
      strcpy (boot, ",bootindex=1");
    r |= add (v, "-drive") |
      addf (v, "file=%s,format=qcow2,if=none,id=disk%zu,discard=unmap",
            vm->overlays[i], i) | add (v, "-device");
    switch (dom->block_driver) {
    case V2V_BLOCK_VIRTIO_BLK:
      r |= addf (v, "virtio-blk-pci,drive=disk%zu%s", i, boot);
      break;
    case V2V_BLOCK_VIRTIO_SCSI:
      r |= addf (v, "scsi-hd,drive=disk%zu,bus=scsi0.0,lun=%zu%s", i, i,
                 boot);
      break;
    case V2V_BLOCK_SATA:
      r |= addf (v, "ide-hd,drive=disk%zu,bus=%s.%zu%s", i,
                 dom->legacy_machine ? "sata0" : "ide", i, boot);
      break;
    }
  }
  return r;
}

static int
add_nics (struct v2v_string_vector *v, const struct v2v_verify_vm *vm)
{
  const struct v2v_domain *dom = vm->dom;
  const char *model = dom->nic_model ? dom->nic_model : "virtio";
  size_t i;
  int r = 0;

  if (strcmp (model, "virtio") == 0)
    model = "virtio-net-pci";
  for (i = 0; i < dom->nr_nics; ++i)
    r |= add (v, "-netdev") | addf (v, "hubport,id=net%zu,hubid=%zu", i, i) |
      add (v, "-object") |
      addf (v, "filter-dump,id=dump%zu,netdev=net%zu,file=%s/verify-nic%zu.pcap",
            i, i, vm->workdir, i) |
      add (v, "-device") |
      addf (v, "%s,netdev=net%zu,mac=%s,romfile=", model, i,
            dom->nics[i].mac);
  return r;
}

char **
v2v_verify_qemu_argv (const struct v2v_verify_vm *vm)
{
  const struct v2v_domain *dom = vm->dom;
  CLEANUP_FREE_STRVEC struct v2v_string_vector v = { 0 };
  int r;

  r = add (&v, "qemu-system-x86_64") | add (&v, "-nodefaults") |
    add (&v, "-no-user-config") | add (&v, "-display") | add (&v, "none") |
    add (&v, "-no-shutdown") | add (&v, "-machine") |
    addf (&v, "%s,accel=%s", dom->legacy_machine ? "pc" : "q35",
          vm->kvm ? "kvm" : "tcg") |
    add (&v, "-m") | addf (&v, "%u", dom->memory_mib) |
    add (&v, "-smp") | addf (&v, "%u", dom->vcpus);
  if (vm->kvm)
    r |= add (&v, "-cpu") | add (&v, "host");
  if (vm->code)
    r |= add (&v, "-drive") |
      addf (&v, "if=pflash,format=raw,readonly=on,file=%s", vm->code) |
      add (&v, "-drive") | addf (&v, "if=pflash,format=raw,file=%s", vm->vars);
  if (dom->windows)
    r |= add (&v, "-rtc") | add (&v, "base=localtime");
  r |= add_disks (&v, vm) | add_nics (&v, vm);
  r |= add (&v, "-chardev") |
    addf (&v, "file,id=serial0,path=%s/verify-serial.log", vm->workdir) |
    add (&v, "-serial") | add (&v, "chardev:serial0") |
    add (&v, "-qmp") |
    addf (&v, "unix:%s/verify-qmp.sock,server=on,wait=off", vm->workdir) |
    add (&v, "-device") | add (&v, dom->windows ? "VGA" : "virtio-vga") |
    add (&v, "-device") | add (&v, "virtio-balloon-pci");
  if (dom->guest_agent)
    r |= add (&v, "-device") | add (&v, "virtio-serial-pci,id=vserial0") |
      add (&v, "-chardev") |
      addf (&v, "socket,id=agent0,path=%s/verify-agent.sock,server=on,"
            "wait=off", vm->workdir) |
      add (&v, "-device") |
      add (&v, "virtserialport,bus=vserial0.0,chardev=agent0,"
           "name=org.qemu.guest_agent.0");
  if (dom->rng)
    r |= add (&v, "-object") | add (&v, "rng-random,id=rng0,filename=/dev/urandom") |
      add (&v, "-device") | add (&v, "virtio-rng-pci,rng=rng0");
  if (r) {
    v2v_error ("out of memory");
    return NULL;
  }
  return v2v_strvec_take (&v);
}
