/* The libvirt domain XML of the converted guest: virtio-blk (or
 * virtio-scsi, or SATA) disks, NICs with their MACs, memory, vCPUs, BIOS
 * or UEFI; for Windows the local clock, Hyper-V enlightenments and the
 * machine type its version runs on; the guest agent's channel and a
 * virtio RNG when the guest can use them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void
add_escaped (struct v2v_strbuf *sb, const char *s)
{
  for (; *s; ++s) {
    switch (*s) {
    case '&': v2v_sb_puts (sb, "&amp;"); break;
    case '<': v2v_sb_puts (sb, "&lt;"); break;
    case '>': v2v_sb_puts (sb, "&gt;"); break;
    case '\'': v2v_sb_puts (sb, "&apos;"); break;
    case '"': v2v_sb_puts (sb, "&quot;"); break;
    default: v2v_sb_add (sb, s, 1);
    }
  }
}

/* The name the kernel gives disk i (from 0) on a bus: PREFIX then "a" ..
 * "z", "aa" .. "az", "ba" .. "zz", "aaa" (the base-26 numbering without a
 * zero of sd_format_disk_name).  Used for every prefix, "vd", "sd", "hd".
 * Writes into buf; returns -1 if it does not fit in len bytes.
 */
int
v2v_drive_name (const char *prefix, size_t i, char *buf, size_t len)
{
  char letters[16];
  size_t n = sizeof letters - 1;
  int r;

  letters[n] = '\0';
  for (;;) {
    if (n == 0)
      return -1;
    letters[--n] = (char) ('a' + i % 26);
    if (i < 26)
      break;
    i = i / 26 - 1;
  }
  r = snprintf (buf, len, "%s%s", prefix, letters + n);
  return r < 0 || (size_t) r >= len ? -1 : 0;
}

/* Caller frees. */
char *
v2v_domain_xml (const struct v2v_domain *dom)
{
  struct v2v_strbuf sb = { 0 };
  char dev[32];
  size_t i;

  v2v_sb_printf (&sb, "<domain type='%s'>\n  <name>",
                 dom->tcg ? "qemu" : "kvm");
  add_escaped (&sb, dom->name);
  v2v_sb_printf (&sb, "</name>\n"
                 "  <memory unit='MiB'>%u</memory>\n"
                 "  <currentMemory unit='MiB'>%u</currentMemory>\n"
                 "  <vcpu>%u</vcpu>\n",
                 dom->memory_mib, dom->memory_mib, dom->vcpus);
  if (dom->firmware == V2V_FW_UEFI)
    v2v_sb_puts (&sb, "  <os firmware='efi'>\n");
  else
    v2v_sb_puts (&sb, "  <os>\n");
  v2v_sb_printf (&sb, "    <type arch='x86_64' machine='%s'>hvm</type>\n",
                 dom->legacy_machine ? "pc" : "q35");
  /* UEFI: libvirt picks the firmware from the host's descriptors; left
   * to itself it may pick one with Secure Boot on and Microsoft's keys
   * enrolled, which refuses an unsigned grub (the usual grub-install
   * without shim).  Secure Boot off boots both signed and unsigned chains,
   * with a fresh copy of that firmware's variables template.
   */
  if (dom->firmware == V2V_FW_UEFI)
    v2v_sb_puts (&sb, "    <firmware>\n"
                 "      <feature enabled='no' name='secure-boot'/>\n"
                 "    </firmware>\n");
  v2v_sb_printf (&sb,
                 "    <boot dev='hd'/>\n"
                 "  </os>\n"
                 "  <features>\n    <acpi/>\n    <apic/>\n");
  if (dom->windows && !dom->tcg)
    v2v_sb_puts (&sb,
                 "    <hyperv mode='custom'>\n"
                 "      <relaxed state='on'/>\n"
                 "      <vapic state='on'/>\n"
                 "      <spinlocks state='on' retries='8191'/>\n"
                 "      <vpindex state='on'/>\n"
                 "      <synic state='on'/>\n"
                 "      <stimer state='on'/>\n"
                 "    </hyperv>\n");
  /* (TCG emulates its own CPU; the Hyper-V enlightenments need KVM) */
  v2v_sb_puts (&sb, dom->tcg ? "  </features>\n"
               : "  </features>\n  <cpu mode='host-model'/>\n");
  if (dom->windows)
    v2v_sb_puts (&sb,
                 "  <clock offset='localtime'>\n"
                 "    <timer name='rtc' tickpolicy='catchup'/>\n"
                 "    <timer name='pit' tickpolicy='delay'/>\n"
                 "    <timer name='hpet' present='no'/>\n"
                 "    <timer name='hypervclock' present='yes'/>\n"
                 "  </clock>\n");
  else
    v2v_sb_puts (&sb, "  <clock offset='utc'/>\n");
  v2v_sb_puts (&sb,
               "  <on_poweroff>destroy</on_poweroff>\n"
               "  <on_reboot>restart</on_reboot>\n"
               "  <on_crash>restart</on_crash>\n"
               "  <devices>\n");
  for (i = 0; i < dom->nr_disks; ++i) {
    v2v_sb_printf (&sb,
                   "    <disk type='file' device='disk'>\n"
                   "      <driver name='qemu' type='%s' discard='unmap'/>\n"
                   "      <source file='",
                   dom->disks[i].format == V2V_FORMAT_RAW ? "raw" : "qcow2");
    add_escaped (&sb, dom->disks[i].path);
    if (v2v_drive_name (dom->block_driver != V2V_BLOCK_VIRTIO_BLK
                        ? "sd" : "vd", i, dev, sizeof dev) == -1) {
      free (v2v_sb_finish (&sb));
      return NULL;
    }
    v2v_sb_printf (&sb, "'/>\n"
                   "      <target dev='%s' bus='%s'/>\n"
                   "    </disk>\n", dev,
                   dom->block_driver == V2V_BLOCK_SATA ? "sata"
                   : dom->block_driver == V2V_BLOCK_VIRTIO_SCSI ? "scsi"
                   : "virtio");
  }
  if (dom->block_driver == V2V_BLOCK_VIRTIO_SCSI)
    v2v_sb_puts (&sb, "    <controller type='scsi' index='0' "
                 "model='virtio-scsi'/>\n");
  for (i = 0; i < dom->nr_nics; ++i) {
    v2v_sb_puts (&sb, "    <interface type='network'>\n"
                 "      <mac address='");
    add_escaped (&sb, dom->nics[i].mac);
    v2v_sb_puts (&sb, "'/>\n      <source network='");
    add_escaped (&sb, dom->nics[i].network);
    v2v_sb_printf (&sb, "'/>\n      <model type='%s'/>\n"
                   "    </interface>\n",
                   dom->nic_model ? dom->nic_model : "virtio");
  }
  v2v_sb_puts (&sb,
               "    <serial type='pty'/>\n"
               "    <console type='pty'/>\n"
               "    <input type='tablet' bus='usb'/>\n"
               "    <graphics type='vnc' autoport='yes'/>\n"
               "    <video>\n      <model type='");
  /* Windows has no virtio-gpu driver of its own; every Windows drives VGA. */
  v2v_sb_puts (&sb, dom->windows ? "vga" : "virtio");
  v2v_sb_puts (&sb, "'/>\n    </video>\n");
  /* The guest agent's channel when the guest has (or installs) qemu-ga;
   * a virtio RNG only for a guest that has its driver.
   */
  if (dom->guest_agent)
    v2v_sb_puts (&sb, "    <channel type='unix'>\n"
                 "      <target type='virtio' name='org.qemu.guest_agent.0'/>\n"
                 "    </channel>\n");
  if (dom->rng)
    v2v_sb_puts (&sb, "    <rng model='virtio'>\n"
                 "      <backend model='random'>/dev/urandom</backend>\n"
                 "    </rng>\n");
  v2v_sb_puts (&sb, "    <memballoon model='virtio'/>\n"
               "  </devices>\n"
               "</domain>\n");
  return v2v_sb_finish (&sb);
}

/* A locally administered MAC in the 52:54:00 (QEMU) range, for NICs whose
 * source MAC is unknown.  Caller frees.
 */
char *
v2v_random_mac (void)
{
  unsigned char b[3];
  FILE *f = fopen ("/dev/urandom", "re");
  char *mac;

  if (f == NULL || fread (b, 1, 3, f) != 3) {
    if (f)
      fclose (f);
    return NULL;
  }
  fclose (f);
  if (asprintf (&mac, "52:54:00:%02x:%02x:%02x", b[0], b[1], b[2]) == -1)
    return NULL;
  return mac;
}
