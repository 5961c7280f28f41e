/* .vmx and descriptor parsing: disks in controller order, NICs and MACs,
 * and every refusal with its reason; then every real .vmx of
 * tests/unit/vmx-files/ (README.md there says where each comes from)
 * against the facts tests/unit/vmx-files/expected.txt gives for it.
 */
#include <dirent.h>
#include <errno.h>
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
 * Its keys repeat (in any case, as VMware compares them): with the
 * same values, a note; with another value at the end, a refusal that
 * names both lines.
 */
static void
big_vmx (void)
{
  static const char *const lines[] = {
    "scsi0:0.fileName = \"disk.vmdk\"\n",
    "Scsi0:0.FileName = \"disk.vmdk\"\n",
    "ethernet0.present = \"TRUE\"\n",
    "guestinfo.filler = \"x\"\n",
  };
  static const char last[] = "MEMSIZE = \"2048\"\n";
  size_t max = 1024 * 1024, len = 0, i;
  char *text = malloc (max + 1), err[256];
  struct v2v_vmx vmx;
  double t;
  int r;

  if (text == NULL)
    abort ();
  len = (size_t) snprintf (text, max, "config.version = \"8\"\n"
                           "memSize = \"1024\"\nMEMSIZE = \"1024\"\n");
  for (i = 0;; ++i) {
    const char *l = lines[i % 4];
    size_t n = strlen (l);
    if (len + n + sizeof last > max)
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
    CHECK (vmx.memory_mib == 1024);
    CHECK (vmx.nr_disks == 1 && strcmp (vmx.disks[0].file, "disk.vmdk") == 0);
    CHECK (vmx.nr_nics == 1);
    CHECK (vmx.nr_notes >= 1 &&
           strstr (vmx.notes[0], "given twice with the same value"));
    v2v_vmx_free (&vmx);
  }
  memcpy (text + len, last, sizeof last - 1);
  len += sizeof last - 1;
  CHECK (v2v_vmx_parse (text, len, &vmx, err, sizeof err) == -1);
  CHECK_CONTAINS (err, "key MEMSIZE is given twice with different values "
                  "(lines 3 and ");
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

/* text parsed, which must succeed: the caller frees vmx. */
static void
parse_ok (const char *text, struct v2v_vmx *vmx)
{
  char err[256];

  if (v2v_vmx_parse (text, strlen (text), vmx, err, sizeof err) == -1) {
    fprintf (stderr, "parse failed: %s\n%s", err, text);
    CHECK (!"parse failed");
    memset (vmx, 0, sizeof *vmx);
  }
}

/* Whether one of the notes contains want. */
static bool
noted (const struct v2v_vmx *vmx, const char *want)
{
  for (size_t i = 0; i < vmx->nr_notes; ++i)
    if (strstr (vmx->notes[i], want))
      return true;
  fprintf (stderr, "no note with '%s' among %zu\n", want, vmx->nr_notes);
  return false;
}

#define V8 "config.version = \"8\"\n"
#define DISK0 "scsi0:0.present = \"TRUE\"\nscsi0:0.fileName = \"a.vmdk\"\n"

/* The cases issue 15 names, each against VMware's own reading. */
static void
cases (void)
{
  struct v2v_vmx vmx;
  char err[256];

  /* An encrypted .vmx has no version key in the clear (the sample of
   * vmx-files/pyvmx-cracker-encrypted.vmx): encrypted, not "not a .vmx".
   */
  {
    static const char enc[] = ".encoding = \"UTF-8\"\n"
      "displayName = \"Encrypted\"\n"
      "encryption.keySafe = \"vmware:key/list/(pair/(phrase/x))\"\n"
      "encryption.data = \"AAAA\"\n";
    CHECK (v2v_vmx_parse (enc, strlen (enc), &vmx, err, sizeof err) == -1);
    CHECK_CONTAINS (err, "the VM is encrypted");
    CHECK_CONTAINS (err, "remove the encryption in VMware first");
    CHECK (strstr (err, "not a .vmx") == NULL);
  }

  /* The host's CD-ROM passed through is a CD-ROM: skipped, noted. */
  parse_ok (V8 DISK0 "scsi0:1.present = \"TRUE\"\n"
            "scsi0:1.deviceType = \"scsi-passthru\"\n"
            "scsi0:1.fileName = \"/vmfs/devices/cdrom/mpx.vmhba32:C0:T0:L0\"\n",
            &vmx);
  CHECK (vmx.nr_disks == 1 && noted (&vmx, "scsi0:1 is the host's CD-ROM"));
  v2v_vmx_free (&vmx);

  /* Independent non-persistent: the base disk, with a warning. */
  parse_ok (V8 DISK0 "scsi0:0.mode = \"independent-nonpersistent\"\n", &vmx);
  CHECK (vmx.nr_disks == 1 &&
         noted (&vmx, "scsi0:0 is non-persistent: its base disk is "
                "converted"));
  v2v_vmx_free (&vmx);

  /* The all-zero static MAC of an NSX opaque network is no MAC. */
  parse_ok (V8 DISK0 "ethernet0.present = \"TRUE\"\n"
            "ethernet0.addressType = \"static\"\n"
            "ethernet0.address = \"00:00:00:00:00:00\"\n", &vmx);
  CHECK (vmx.nr_nics == 1 && vmx.nics[0].mac == NULL);
  CHECK (noted (&vmx, "ethernet0 has an all-zero MAC"));
  v2v_vmx_free (&vmx);

  /* numvcpus and memSize absent: VMware's 1 vCPU and 32 MiB. */
  parse_ok (V8 DISK0, &vmx);
  CHECK (vmx.vcpus == 1 && vmx.memory_mib == 32);
  CHECK (noted (&vmx, "memSize is not given: VMware's default, 32 MiB"));
  v2v_vmx_free (&vmx);
  parse_ok (V8 DISK0 "memsize = 512 # a bare value, then a comment\n"
            "numvcpus = \"many\"\n", &vmx);
  CHECK (vmx.memory_mib == 512 && vmx.vcpus == 1);
  CHECK (noted (&vmx, "numvcpus is not a count"));
  v2v_vmx_free (&vmx);

  /* A key twice: the same value is a note, another value a refusal. */
  parse_ok (V8 DISK0 "msg.autoanswer = \"true\"\nmsg.autoAnswer = \"true\"\n",
            &vmx);
  CHECK (noted (&vmx, "given twice with the same value (line 5)"));
  v2v_vmx_free (&vmx);
  refuse ("numvcpus = \"2\"\nNUMVCPUS = \"4\"\n",
          "key NUMVCPUS is given twice with different values (lines 3 "
          "and 4)");

  /* |XX escapes: |22 a quote, |7C a pipe, |0A a line feed; a '|' not
   * followed by two hex digits is itself; |00 makes the line no pair.
   */
  parse_ok (V8 DISK0 "displayName = \"a |22b|22 |7C c|0A|zz|2\"\n"
            "guestOS = \"x|00y\"\n", &vmx);
  CHECK_STR (vmx.name, "a \"b\" | c\n|zz|2");
  CHECK_STR (vmx.guest_os, "");
  v2v_vmx_free (&vmx);

  /* plainDisk (the old flat disk of Workstation and GSX) is a disk. */
  parse_ok (V8 "ide0:0.present = \"TRUE\"\nide0:0.deviceType = \"plainDisk\"\n"
            "ide0:0.fileName = \"old.pln\"\n", &vmx);
  CHECK (vmx.nr_disks == 1 && strcmp (vmx.disks[0].file, "old.pln") == 0);
  v2v_vmx_free (&vmx);

  /* A NIC without .present is not attached (VMware's default for a
   * device's present is FALSE); a disk without it is kept, noted.
   */
  parse_ok (V8 "scsi0:0.fileName = \"a.vmdk\"\n"
            "ethernet0.virtualDev = \"vmxnet3\"\n"
            "ethernet0.generatedAddress = \"00:0c:29:00:00:01\"\n", &vmx);
  CHECK (vmx.nr_nics == 0 && noted (&vmx, "ethernet0 has no .present line"));
  CHECK (vmx.nr_disks == 1 && noted (&vmx, "scsi0:0 has no .present line"));
  v2v_vmx_free (&vmx);

  /* A controller switched off takes its disks with it. */
  {
    static const char off[] = V8 "scsi0.present = \"FALSE\"\n" DISK0;
    CHECK (v2v_vmx_parse (off, strlen (off), &vmx, err, sizeof err) == -1);
    CHECK_CONTAINS (err, "no hard disk");
  }

  /* A byte order mark, CRLF lines, and a line VMware would not read (a
   * quoted value followed by more than a comment).
   */
  parse_ok ("\xEF\xBB\xBF" "config.version = \"8\"\r\n"
            "scsi0:0.present = \"TRUE\"\r\nscsi0:0.fileName = \"a.vmdk\"\r\n"
            "displayName = \"x\" y\r\n", &vmx);
  CHECK (vmx.nr_disks == 1 && strcmp (vmx.disks[0].file, "a.vmdk") == 0);
  CHECK_STR (vmx.name, "");
  v2v_vmx_free (&vmx);
}

/* The fixtures sit beside this source file; make runs the tests from
 * the top of the tree, where __FILE__ is relative to.
 */
static char *
fixture_path (const char *name)
{
  char *path;
  const char *slash = strrchr (__FILE__, '/');

  if (asprintf (&path, "%.*s/vmx-files/%s",
                slash ? (int) (slash - __FILE__) : 1,
                slash ? __FILE__ : ".", name) == -1)
    abort ();
  return path;
}

static char *
read_fixture (const char *name, size_t *len)
{
  char *path = fixture_path (name), *text;

  text = v2v_read_file_tail (path, 2 * 1024 * 1024);
  if (text == NULL) {
    fprintf (stderr, "%s: cannot read: %s\n", path, strerror (errno));
    exit (1);                   /* a missing fixture fails, never skips */
  }
  *len = strlen (text);
  free (path);
  return text;
}

/* What the parser makes of one file, in expected.txt's form. */
static void
facts (struct v2v_strbuf *sb, const char *name, const char *text, size_t len)
{
  static const char *const ctrl[] = { "scsi", "sata", "nvme", "ide" };
  struct v2v_vmx vmx;
  char err[256];
  size_t i;

  v2v_sb_printf (sb, "== %s\n", name);
  if (v2v_vmx_parse (text, len, &vmx, err, sizeof err) == -1) {
    v2v_sb_printf (sb, "error %s\n", err);
    return;
  }
  v2v_sb_printf (sb, "memory %u\nvcpus %u\nfirmware %s\n", vmx.memory_mib,
                 vmx.vcpus, vmx.firmware == V2V_FW_UEFI ? "uefi" : "bios");
  for (i = 0; i < vmx.nr_disks; ++i)
    v2v_sb_printf (sb, "disk %s%u:%u %s\n", ctrl[vmx.disks[i].ctrl],
                   vmx.disks[i].bus, vmx.disks[i].unit, vmx.disks[i].file);
  for (i = 0; i < vmx.nr_nics; ++i)
    v2v_sb_printf (sb, "nic %s %s %s\n",
                   vmx.nics[i].mac ? vmx.nics[i].mac : "-",
                   vmx.nics[i].model,
                   vmx.nics[i].network[0] ? vmx.nics[i].network : "(none)");
  for (i = 0; i < vmx.nr_notes; ++i)
    v2v_sb_printf (sb, "note %s\n", vmx.notes[i]);
  v2v_vmx_free (&vmx);
}

static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Every .vmx of vmx-files/ parsed, and its facts as expected.txt says;
 * a file without a block there, or a block without its file, fails.
 */
static void
corpus (void)
{
  char *dirpath = fixture_path (""), *names[256], *expected;
  size_t n = 0, len, i, blocks = 0;
  struct dirent *de;
  DIR *dir = opendir (dirpath);
  const char *p;

  if (dir == NULL) {
    fprintf (stderr, "%s: %s\n", dirpath, strerror (errno));
    exit (1);
  }
  while ((de = readdir (dir)) != NULL && n < 256) {
    size_t l = strlen (de->d_name);
    if (l > 4 && strcmp (de->d_name + l - 4, ".vmx") == 0)
      names[n++] = strdup (de->d_name);
  }
  closedir (dir);
  free (dirpath);
  qsort (names, n, sizeof names[0], compare_names);
  expected = read_fixture ("expected.txt", &len);
  for (p = expected; (p = strstr (p, "== ")) != NULL; p += 3)
    if (p == expected || p[-1] == '\n')
      blocks++;
  CHECK (blocks == n);
  for (i = 0; i < n; ++i) {
    struct v2v_strbuf sb = { 0 };
    size_t tlen;
    char *text = read_fixture (names[i], &tlen), *got, *want = NULL;
    char head[300];
    const char *start, *end;

    facts (&sb, names[i], text, tlen);
    got = v2v_sb_finish (&sb);
    /* the block of this name: from "== name\n" to the next "== " */
    snprintf (head, sizeof head, "== %s\n", names[i]);
    start = strstr (expected, head);
    if (start) {
      end = strstr (start + 3, "\n== ");
      want = strndup (start, end ? (size_t) (end - start) + 1
                      : strlen (start));
    }
    CHECK (want != NULL);
    if (want == NULL && got)
      fprintf (stderr, "no block in expected.txt for:\n%s", got);
    if (got && want)
      CHECK_STR (got, want);
    free (got);
    free (want);
    free (text);
    free (names[i]);
  }
  printf ("vmx: %zu real files parsed\n", n);
  free (expected);
}

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

  refuse ("scsi0:1.fileName = \"/vmfs/devices/disks/naa.1\"\n"
          "scsi0:1.deviceType = \"scsi-passthru\"\n",
          "like a raw device mapping");
  refuse ("scsi0:1.fileName = \"rdm.vmdk\"\n"
          "scsi0:1.deviceType = \"rawDisk\"\n", "raw device mapping");
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
  cases ();
  corpus ();
  return unit_done ("vmx");
}
