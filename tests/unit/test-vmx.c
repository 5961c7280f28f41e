/* .vmx and descriptor parsing: disks in controller order, NICs and MACs,
 * and every refusal with its reason.
 */
#include <time.h>

#include "internal.h"
#include "unit.h"

/* Seconds since an arbitrary point, for timing. */
static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* A .vmx of the largest size accepted, made of the lines that cost the
 * most (each disk line looks up its controller's other keys; a linear
 * scan per lookup took about a minute): parsed in well under a second.
 */
static void
big_vmx (void)
{
  static const char *const lines[] = {
    "scsi0:0.fileName = \"disk.vmdk\"\n",
    "Scsi0:0.FileName = \"last.vmdk\"\n",
    "ethernet0.present = \"TRUE\"\n",
    "guestinfo.filler = \"x\"\n",
  };
  size_t max = 1024 * 1024, len = 0, i;
  char *text = malloc (max + 1), err[256];
  struct v2v_vmx vmx;
  double t;
  int r;

  if (text == NULL)
    abort ();
  len = (size_t) snprintf (text, max, "config.version = \"8\"\n"
                           "memSize = \"1024\"\nMEMSIZE = \"2048\"\n");
  for (i = 0;; ++i) {
    const char *l = lines[i % 4];
    size_t n = strlen (l);
    if (len + n > max)
      break;
    memcpy (text + len, l, n);
    len += n;
  }
  t = now ();
  r = v2v_vmx_parse (text, len, &vmx, err, sizeof err);
  t = now () - t;
  printf ("vmx: %zu bytes, %zu lines parsed in %.3f s\n", len, i, t);
  CHECK (r == 0);
  CHECK (t < 2.0);
  if (r == 0) {
    /* keys are case-insensitive, the last assignment wins */
    CHECK (vmx.memory_mib == 2048);
    CHECK (vmx.nr_disks == 1 && strcmp (vmx.disks[0].file, "last.vmdk") == 0);
    CHECK (vmx.nr_nics == 1);
    v2v_vmx_free (&vmx);
  }
  free (text);
}

static const char good_vmx[] =
  ".encoding = \"UTF-8\"\n"
  "config.version = \"8\"\n"
  "virtualHW.version = \"19\"\n"
  "displayName = \"web 01\"\n"
  "memSize = \"4096\"\n"
  "numvcpus = \"2\"\n"
  "firmware = \"efi\"\n"
  "guestOS = \"debian12-64\"\n"
  "sata0:0.present = \"TRUE\"\n"
  "sata0:0.fileName = \"data.vmdk\"\n"
  "sata0:1.deviceType = \"cdrom-image\"\n"
  "sata0:1.fileName = \"/vmfs/volumes/ds1/iso/debian.iso\"\n"
  "scsi0:1.fileName = \"web01_1.vmdk\"\n"
  "scsi0:1.present = \"TRUE\"\n"
  "SCSI0:0.FILENAME = \"web01.vmdk\"\n"
  "scsi0:0.present = \"TRUE\"\n"
  "scsi0:2.present = \"FALSE\"\n"
  "scsi0:2.fileName = \"old.vmdk\"\n"
  "ide1:0.fileName = \"/vmfs/volumes/ds2/web01/legacy.vmdk\"\n"
  "# a comment = \"x\"\n"
  "ethernet0.present = \"TRUE\"\n"
  "ethernet0.virtualDev = \"vmxnet3\"\n"
  "ethernet0.networkName = \"VM Network\"\n"
  "ethernet0.addressType = \"generated\"\n"
  "ethernet0.generatedAddress = \"00:0C:29:AB:CD:EF\"\n"
  "ethernet1.present = \"TRUE\"\n"
  "ethernet1.networkName = \"Backup LAN\"\n"
  "ethernet1.addressType = \"static\"\n"
  "ethernet1.address = \"00:50:56:01:02:03\"\n"
  "ethernet2.present = \"FALSE\"\n"
  "ethernet3.present = \"TRUE\"\n"
  "ethernet3.generatedAddress = \"not-a-mac\"\n";

static void
refuse (const char *extra, const char *want)
{
  char *text, err[256];
  struct v2v_vmx vmx;

  if (asprintf (&text, "config.version = \"8\"\n"
                "scsi0:0.fileName = \"a.vmdk\"\n%s", extra) == -1)
    abort ();
  CHECK (v2v_vmx_parse (text, strlen (text), &vmx, err, sizeof err) == -1);
  CHECK_CONTAINS (err, want);
  free (text);
}

static void
descriptor (const char *text, const char *want_extent, const char *want_err)
{
  char err[256];
  char *e = v2v_vmdk_extent (text, strlen (text), err, sizeof err);

  if (want_extent)
    CHECK_STR (e, want_extent);
  else {
    CHECK (e == NULL);
    CHECK_CONTAINS (err, want_err);
  }
  free (e);
}

#define DESC(type, parent, extents) \
  "# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=" parent "\n" \
  "createType=\"" type "\"\n\n# Extent description\n" extents \
  "\n# The Disk Data Base\nddb.adapterType = \"lsilogic\"\n"

int
main (void)
{
  struct v2v_vmx vmx;
  char err[256];

  CHECK (v2v_vmx_parse (good_vmx, strlen (good_vmx), &vmx, err,
                        sizeof err) == 0);
  CHECK_STR (vmx.name, "web 01");
  CHECK (vmx.memory_mib == 4096 && vmx.vcpus == 2);
  CHECK (vmx.firmware == V2V_FW_UEFI);
  CHECK_STR (vmx.guest_os, "debian12-64");
  CHECK (vmx.nr_disks == 4);
  if (vmx.nr_disks == 4) {
    CHECK_STR (vmx.disks[0].file, "web01.vmdk");
    CHECK_STR (vmx.disks[1].file, "web01_1.vmdk");
    CHECK_STR (vmx.disks[2].file, "data.vmdk");
    CHECK_STR (vmx.disks[3].file, "/vmfs/volumes/ds2/web01/legacy.vmdk");
  }
  CHECK (vmx.nr_nics == 3);
  if (vmx.nr_nics == 3) {
    CHECK_STR (vmx.nics[0].mac, "00:0c:29:ab:cd:ef");
    CHECK_STR (vmx.nics[0].network, "VM Network");
    CHECK_STR (vmx.nics[0].model, "vmxnet3");
    CHECK_STR (vmx.nics[1].mac, "00:50:56:01:02:03");
    CHECK_STR (vmx.nics[1].network, "Backup LAN");
    CHECK (vmx.nics[2].mac == NULL);
  }
  v2v_vmx_free (&vmx);

  /* A key whose controller:unit is written with many zeros (found by
   * fuzz-vmx): still one disk, no NULL file name.
   */
  {
    static const char longkey[] = "config.version = \"8\"\n"
      "scsi0:000000000000000000000000000000000"
      "00000000000000000000000000000000000000.fileName = \"a.vmdk\"\n";
    CHECK (v2v_vmx_parse (longkey, strlen (longkey), &vmx, err,
                          sizeof err) == 0);
    CHECK (vmx.nr_disks == 1 && vmx.disks[0].file &&
           strcmp (vmx.disks[0].file, "a.vmdk") == 0);
    v2v_vmx_free (&vmx);
  }

  refuse ("encryption.keySafe = \"vmware:key/...\"\n", "encrypted");
  refuse ("scsi0:1.fileName = \"/vmfs/devices/disks/naa.1\"\n"
          "scsi0:1.deviceType = \"scsi-passthru\"\n", "raw device mapping");
  refuse ("scsi0:0.mode = \"independent-nonpersistent\"\n",
          "non-persistent");
  {
    const char *none = "config.version = \"8\"\nsata0:0.deviceType = "
                       "\"cdrom-image\"\nsata0:0.fileName = \"x.iso\"\n";
    CHECK (v2v_vmx_parse (none, strlen (none), &vmx, err, sizeof err) == -1);
    CHECK_CONTAINS (err, "no hard disk");
    CHECK (v2v_vmx_parse ("<html>login</html>", 18, &vmx, err,
                          sizeof err) == -1);
    CHECK_CONTAINS (err, "not a .vmx file");
    CHECK (v2v_vmx_parse ("a\0b", 3, &vmx, err, sizeof err) == -1);
    CHECK_CONTAINS (err, "NUL");
  }

  descriptor (DESC ("vmfs", "ffffffff", "RW 8388608 VMFS \"web01-flat.vmdk\""),
              "web01-flat.vmdk", NULL);
  descriptor (DESC ("monolithicFlat", "ffffffff",
                    "RW 8388608 FLAT \"w-flat.vmdk\" 0"), "w-flat.vmdk", NULL);
  descriptor (DESC ("vmfsSparse", "a1b2c3d4",
                    "RW 8388608 VMFSSPARSE \"web01-000001-delta.vmdk\""),
              NULL, "snapshot");
  descriptor (DESC ("seSparse", "ffffffff",
                    "RW 8388608 SESPARSE \"web01-sesparse.vmdk\""),
              NULL, "sparse or snapshot");
  descriptor (DESC ("vmfsRawDeviceMap", "ffffffff",
                    "RW 8388608 VMFSRDM \"web01-rdm.vmdk\""),
              NULL, "raw device mapping");
  descriptor (DESC ("vmfs", "ffffffff",
                    "RW 4 VMFS \"a-flat.vmdk\"\nRW 4 VMFS \"b-flat.vmdk\""),
              NULL, "2 extents");
  descriptor (DESC ("vmfs", "ffffffff", "RW 4 VMFS \"../../etc/x\""),
              NULL, "not in the disk's directory");
  descriptor ("KDMV\x01\x00\x00\x00 binary sparse", NULL,
              "not a VMDK descriptor");
  big_vmx ();
  return unit_done ("vmx");
}
