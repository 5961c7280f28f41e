/* The domain XML has virtio devices, MACs, escaping and firmware. */
#include "internal.h"
#include "unit.h"

int
main (void)
{
  struct v2v_domain_disk disks[] = {
    { "/var/lib/libvirt/images/a&b-sda.qcow2", V2V_FORMAT_QCOW2 },
    { "/var/lib/libvirt/images/a&b-sdb.img", V2V_FORMAT_RAW },
  };
  struct v2v_nic nics[] = { { (char *) "00:50:56:01:02:03", "default" } };
  struct v2v_domain dom = {
    .name = "a&b", .memory_mib = 4096, .vcpus = 4,
    .firmware = V2V_FW_BIOS, .disks = disks, .nr_disks = 2,
    .nics = nics, .nr_nics = 1,
  };
  char *xml, *mac;

  xml = v2v_domain_xml (&dom);
  CHECK_CONTAINS (xml, "<name>a&amp;b</name>");
  CHECK_CONTAINS (xml, "<memory unit='MiB'>4096</memory>");
  CHECK_CONTAINS (xml, "<vcpu>4</vcpu>");
  CHECK_CONTAINS (xml, "<driver name='qemu' type='qcow2' discard='unmap'/>\n"
                  "      <source file='/var/lib/libvirt/images/a&amp;b-sda"
                  ".qcow2'/>\n      <target dev='vda' bus='virtio'/>");
  CHECK_CONTAINS (xml, "type='raw'");
  CHECK_CONTAINS (xml, "<target dev='vdb' bus='virtio'/>");
  CHECK_CONTAINS (xml, "<mac address='00:50:56:01:02:03'/>");
  CHECK_CONTAINS (xml, "<model type='virtio'/>");
  CHECK (strstr (xml, "firmware='efi'") == NULL);
  free (xml);

  dom.firmware = V2V_FW_UEFI;
  xml = v2v_domain_xml (&dom);
  CHECK_CONTAINS (xml, "<os firmware='efi'>");
  CHECK_CONTAINS (xml, "<firmware>\n      <feature enabled='no' "
                  "name='secure-boot'/>\n    </firmware>\n");
  CHECK (strstr (xml, "virtio-scsi") == NULL);
  free (xml);

  dom.block_driver = V2V_BLOCK_VIRTIO_SCSI;
  xml = v2v_domain_xml (&dom);
  CHECK_CONTAINS (xml, "<target dev='sda' bus='scsi'/>");
  CHECK_CONTAINS (xml, "<target dev='sdb' bus='scsi'/>");
  CHECK_CONTAINS (xml, "<controller type='scsi' index='0' model='virtio-scsi'/>");
  CHECK (strstr (xml, "bus='virtio'/>") == NULL);
  free (xml);

  /* Windows 7 without drivers: SATA, e1000, i440fx, local clock. */
  dom.block_driver = V2V_BLOCK_SATA;
  dom.windows = true;
  dom.legacy_machine = true;
  dom.nic_model = "e1000";
  xml = v2v_domain_xml (&dom);
  CHECK_CONTAINS (xml, "<target dev='sdb' bus='sata'/>");
  CHECK (strstr (xml, "virtio-scsi") == NULL);
  CHECK_CONTAINS (xml, "machine='pc'");
  CHECK_CONTAINS (xml, "<model type='e1000'/>");
  CHECK_CONTAINS (xml, "<clock offset='localtime'>");
  CHECK_CONTAINS (xml, "<timer name='hypervclock' present='yes'/>");
  CHECK_CONTAINS (xml, "<relaxed state='on'/>");
  CHECK_CONTAINS (xml, "<video>\n      <model type='vga'/>");
  free (xml);
  dom.windows = false;
  dom.legacy_machine = false;
  dom.nic_model = NULL;
  dom.block_driver = V2V_BLOCK_VIRTIO_BLK;
  xml = v2v_domain_xml (&dom);
  CHECK_CONTAINS (xml, "machine='q35'");
  CHECK_CONTAINS (xml, "<clock offset='utc'/>");
  CHECK (strstr (xml, "hyperv") == NULL);
  /* No guest agent, no RNG driver: neither device. */
  CHECK (strstr (xml, "<channel") == NULL);
  CHECK (strstr (xml, "<rng") == NULL);
  free (xml);
  dom.guest_agent = true;
  xml = v2v_domain_xml (&dom);
  CHECK_CONTAINS (xml, "<channel type='unix'>\n      <target type='virtio' "
                  "name='org.qemu.guest_agent.0'/>\n    </channel>\n");
  CHECK (strstr (xml, "<rng") == NULL);
  free (xml);
  dom.guest_agent = false;
  dom.rng = true;
  xml = v2v_domain_xml (&dom);
  CHECK_CONTAINS (xml, "<rng model='virtio'>\n      <backend model='random'>"
                  "/dev/urandom</backend>\n    </rng>\n");
  CHECK (strstr (xml, "<channel") == NULL);
  free (xml);
  dom.rng = false;

  /* disks keep the names the guest knew: sda ... sdz, sdaa ... */
  {
    struct run run = { .name = (char *) "web01" };
    static const struct { size_t i; const char *want; } names[] = {
      { 0, "web01-sda" }, { 1, "web01-sdb" }, { 25, "web01-sdz" },
      { 26, "web01-sdaa" }, { 27, "web01-sdab" }, { 51, "web01-sdaz" },
      { 52, "web01-sdba" }, { 701, "web01-sdzz" }, { 702, "web01-sdaaa" },
    };
    for (size_t k = 0; k < sizeof names / sizeof names[0]; ++k) {
      char *s = v2v_disk_name (&run, names[k].i);
      CHECK_STR (s, names[k].want);
      free (s);
    }
  }

  /* Drive names as the kernel gives them, for every bus prefix: the 27th
   * disk is vdaa, not "vd{".  64 disks is the most a .vmx or a kickstart
   * may have (vmx.c, ks_commands.c).
   */
  {
    static const struct { size_t i; const char *want; } letters[] = {
      { 0, "a" }, { 25, "z" }, { 26, "aa" }, { 51, "az" }, { 52, "ba" },
      { 63, "bl" }, { 701, "zz" }, { 702, "aaa" }, { 18277, "zzz" },
      { 18278, "aaaa" },
    };
    static const char *const prefixes[] = { "vd", "sd", "hd" };
    char buf[32], want[32], small[4];

    for (size_t p = 0; p < 3; ++p)
      for (size_t k = 0; k < sizeof letters / sizeof letters[0]; ++k) {
        snprintf (want, sizeof want, "%s%s", prefixes[p], letters[k].want);
        CHECK (v2v_drive_name (prefixes[p], letters[k].i, buf,
                               sizeof buf) == 0);
        CHECK_STR (buf, want);
      }
    CHECK (v2v_drive_name ("vd", 26, small, sizeof small) == -1);
    CHECK (v2v_drive_name ("vd", 25, small, sizeof small) == 0);
    CHECK_STR (small, "vdz");
    CHECK (v2v_drive_name ("vd", (size_t) -1, buf, sizeof buf) == 0);
  }
  {
    static const struct { size_t n; const char *last; } counts[] = {
      { 1, "a" }, { 26, "z" }, { 27, "aa" }, { 52, "az" }, { 53, "ba" },
      { 64, "bl" },
    };
    static const struct {
      enum v2v_block_driver drv; const char *prefix, *bus;
    } buses[] = {
      { V2V_BLOCK_VIRTIO_BLK, "vd", "virtio" },
      { V2V_BLOCK_VIRTIO_SCSI, "sd", "scsi" },
      { V2V_BLOCK_SATA, "sd", "sata" },
    };
    struct v2v_domain_disk many[64];
    char want[64];

    for (size_t k = 0; k < 64; ++k)
      many[k] = (struct v2v_domain_disk) { "/d", V2V_FORMAT_RAW };
    dom.disks = many;
    for (size_t b = 0; b < 3; ++b)
      for (size_t c = 0; c < sizeof counts / sizeof counts[0]; ++c) {
        const char *p;
        size_t targets = 0;

        dom.nr_disks = counts[c].n;
        dom.block_driver = buses[b].drv;
        xml = v2v_domain_xml (&dom);
        snprintf (want, sizeof want, "<target dev='%s%s' bus='%s'/>\n"
                  "    </disk>\n    <", buses[b].prefix, counts[c].last,
                  buses[b].bus);
        CHECK_CONTAINS (xml, want);
        for (p = xml; p && (p = strstr (p, "<target dev='")) != NULL; ++p) {
          const char *q = p + strlen ("<target dev='") + 2;
          targets++;
          while (*q >= 'a' && *q <= 'z')
            q++;
          CHECK (*q == '\'');
        }
        CHECK (targets == counts[c].n);
        free (xml);
      }
  }

  mac = v2v_random_mac ();
  CHECK (mac && strlen (mac) == 17 && strncmp (mac, "52:54:00:", 9) == 0);
  free (mac);
  return unit_done ("domain-xml");
}
