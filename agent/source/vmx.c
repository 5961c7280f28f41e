/* VMware .vmx files and .vmdk descriptors: a small bounded parser.
 *
 * A .vmx is lines of `key = "value"` in VMware's dictionary syntax
 * (open-vm-tools lib/dict/dictll.c): keys compared in any case, |XX
 * escapes in values, a key given twice refused as VMware refuses it.
 * We take what a conversion needs, with VMware's defaults when a key is
 * absent: the display name, memory, vCPUs, firmware, the hard disks in
 * controller order (scsi, sata, nvme, ide; then bus and unit) and the
 * NICs with their MACs and network names; what was skipped or assumed
 * is left in notes for the operator.  The line syntax is vmx_dict.c.
 * A descriptor .vmdk names its extent file; snapshots, raw device
 * mappings, sparse and encrypted disks are refused up front with the
 * reason.  docs/vmx.md is the user's view of all of it.
 *
 * Input comes from the network: sizes, counts and lengths are capped, and
 * nothing here trusts a number it did not check.  Fuzzed by
 * tests/fuzz/fuzz-vmx.c; tests/unit/test-vmx.c runs it over real files.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

#define VMX_MAX_SIZE (1024 * 1024)
#define VMX_MAX_DISKS 64
#define VMX_MAX_NICS 32

static const char *const controllers[] = { "scsi", "sata", "nvme", "ide",
                                           NULL };

/* "scsi0:1.fileName" -> controller index, bus, unit. */
static bool
parse_disk_key (const char *key, int *ctrl, unsigned *bus, unsigned *unit)
{
  int c;

  for (c = 0; controllers[c]; ++c) {
    size_t l = strlen (controllers[c]);
    const char *p;
    char *end;
    unsigned long b, u;

    if (strncasecmp (key, controllers[c], l) != 0)
      continue;
    p = key + l;
    if (!isdigit ((unsigned char) *p))
      return false;
    b = strtoul (p, &end, 10);
    if (*end != ':' || b > 3 || !isdigit ((unsigned char) end[1]))
      return false;
    u = strtoul (end + 1, &end, 10);
    if (u > 64 || strcasecmp (end, ".fileName") != 0)
      return false;
    *ctrl = c;
    *bus = (unsigned) b;
    *unit = (unsigned) u;
    return true;
  }
  return false;
}

static int
compare_disks (const void *a, const void *b)
{
  const struct v2v_vmx_disk *x = a, *y = b;

  if (x->ctrl != y->ctrl)
    return x->ctrl - y->ctrl;
  if (x->bus != y->bus)
    return x->bus < y->bus ? -1 : 1;
  return x->unit < y->unit ? -1 : x->unit > y->unit;
}

static bool
valid_mac (const char *s)
{
  int i;

  if (strlen (s) != 17)
    return false;
  for (i = 0; i < 17; ++i)
    if (i % 3 == 2 ? s[i] != ':' : !isxdigit ((unsigned char) s[i]))
      return false;
  return true;
}

/* Adds a note for the operator (at most V2V_VMX_MAX_NOTES; more are
 * dropped).
 */
static void __attribute__ ((format (printf, 2, 3)))
note (struct v2v_vmx *vmx, const char *fmt, ...)
{
  va_list ap;

  if (vmx->nr_notes == V2V_VMX_MAX_NOTES)
    return;
  va_start (ap, fmt);
  vsnprintf (vmx->notes[vmx->nr_notes++], sizeof vmx->notes[0], fmt, ap);
  va_end (ap);
}

static bool
type_is (const char *type, const char *what)
{
  return type && strcasecmp (type, what) == 0;
}

static bool
starts_with (const char *s, const char *prefix)
{
  return strncmp (s, prefix, strlen (prefix)) == 0;
}

/* The device is a hard disk: no deviceType (what VMware writes for a
 * disk on SATA or NVMe, and GSX for IDE), or one of the disk types.
 * plainDisk is the old flat-file disk of Workstation and GSX: a disk
 * too, whose file the descriptor step checks.
 */
static bool
is_hard_disk (const char *type)
{
  return type == NULL || type_is (type, "disk") ||
    type_is (type, "plainDisk") || type_is (type, "scsi-hardDisk") ||
    type_is (type, "ata-hardDisk");
}

/* A SCSI passthrough device (deviceType scsi-passthru): the host's
 * device given to the guest.  A CD-ROM (/vmfs/devices/cdrom/...) or
 * another generic device (tape, changer) holds no guest data and is
 * skipped; a host disk is refused like a raw device mapping.
 */
static int
passthru (struct v2v_vmx *vmx, const char *prefix, const char *file,
          char *err, size_t errlen)
{
  if (file && starts_with (file, "/vmfs/devices/cdrom/")) {
    note (vmx, "%s is the host's CD-ROM drive passed through "
          "(scsi-passthru): not converted", prefix);
    return 0;
  }
  if (file && (starts_with (file, "/vmfs/devices/disks/") ||
               starts_with (file, "/dev/sd"))) {
    snprintf (err, errlen, "%s is a host disk passed through "
              "(scsi-passthru), like a raw device mapping: copy it to a "
              "virtual disk first", prefix);
    return -1;
  }
  note (vmx, "%s is a generic SCSI device passed through (scsi-passthru): "
        "not converted", prefix);
  return 0;
}

static int
add_disk (struct v2v_vmx *vmx, const struct v2v_dict *pairs, int i,
          char *err, size_t errlen)
{
  char prefix[64], k[96];
  const char *type, *mode, *file;
  int c;
  unsigned bus, unit;
  struct v2v_vmx_disk *d;

  if (!parse_disk_key (pairs->pairs[i].key, &c, &bus, &unit))
    return 0;
  /* the key's last assignment only (the others repeat it) */
  if (v2v_dict_get (pairs, pairs->pairs[i].key) != pairs->pairs[i].value)
    return 0;
  snprintf (prefix, sizeof prefix, "%.*s",
            (int) (strchr (pairs->pairs[i].key, '.') - pairs->pairs[i].key),
            pairs->pairs[i].key);
  /* scsi0.present = "FALSE" switches off the controller and all on it
   * (IDE has no such key)
   */
  snprintf (k, sizeof k, "%s%u.present", controllers[c], bus);
  if (v2v_dict_get (pairs, k) && !v2v_dict_get_bool (pairs, k))
    return 0;
  snprintf (k, sizeof k, "%s.present", prefix);
  if (v2v_dict_get (pairs, k) && !v2v_dict_get_bool (pairs, k))
    return 0;
  file = pairs->pairs[i].value;
  snprintf (k, sizeof k, "%s.deviceType", prefix);
  type = v2v_dict_get (pairs, k);
  if (!is_hard_disk (type)) {
    if (type_is (type, "scsi-passthru"))
      return passthru (vmx, prefix, file, err, errlen);
    if (strcasestr (type, "rawDisk")) {
      snprintf (err, errlen, "%s is a raw device mapping (%s): RDM disks "
                "cannot be converted; copy them to a virtual disk first",
                prefix, type_is (type, "rawDisk") ? "rawDisk" : "raw");
      return -1;
    }
    return 0;                   /* CD-ROM, floppy... */
  }
  snprintf (k, sizeof k, "%s.present", prefix);
  if (v2v_dict_get (pairs, k) == NULL)
    note (vmx, "%s has no .present line (VMware may not attach it): "
          "converted anyway", prefix);
  snprintf (k, sizeof k, "%s.mode", prefix);
  mode = v2v_dict_get (pairs, k);
  if (mode && (strcasecmp (mode, "independent-nonpersistent") == 0 ||
               strcasecmp (mode, "nonpersistent") == 0))
    note (vmx, "%s is non-persistent: its base disk is converted (VMware "
          "discards the disk's redo log at power-off)", prefix);
  /* The same controller:unit given twice (scsi0:0 and SCSI0:00): the
   * first in the file wins.
   */
  for (size_t j = 0; j < vmx->nr_disks; ++j)
    if (vmx->disks[j].ctrl == c && vmx->disks[j].bus == bus &&
        vmx->disks[j].unit == unit)
      return 0;
  if (vmx->nr_disks == VMX_MAX_DISKS) {
    snprintf (err, errlen, "more than %d disks", VMX_MAX_DISKS);
    return -1;
  }
  d = &vmx->disks[vmx->nr_disks];
  d->ctrl = c;
  d->bus = bus;
  d->unit = unit;
  d->file = strdup (file);
  if (d->file == NULL) {
    snprintf (err, errlen, "out of memory");
    return -1;
  }
  vmx->nr_disks++;
  return 0;
}

/* The NIC's MAC: the address its addressType names ("static":
 * address; "generated", "vpx": generatedAddress), else whichever is
 * there.  An all-zero address (NSX opaque networks write a static
 * 00:00:00:00:00:00 that NSX fills in at power-on) is no MAC.
 */
static const char *
nic_mac (struct v2v_vmx *vmx, const struct v2v_dict *pairs, unsigned e)
{
  char k[64];
  const char *type, *mac;

  snprintf (k, sizeof k, "ethernet%u.addressType", e);
  type = v2v_dict_get (pairs, k);
  snprintf (k, sizeof k, "ethernet%u.%s", e,
            type_is (type, "static") ? "address" : "generatedAddress");
  mac = v2v_dict_get (pairs, k);
  if (mac == NULL) {
    snprintf (k, sizeof k, "ethernet%u.%s", e,
              type_is (type, "static") ? "generatedAddress" : "address");
    mac = v2v_dict_get (pairs, k);
  }
  if (mac && strcmp (mac, "00:00:00:00:00:00") == 0) {
    note (vmx, "ethernet%u has an all-zero MAC (set by NSX at power-on): "
          "the converted NIC gets a new one", e);
    return NULL;
  }
  return mac && valid_mac (mac) ? mac : NULL;
}

/* Whether ethernetN has keys of its own (a NIC without .present). */
static bool
nic_has_keys (const struct v2v_dict *pairs, unsigned e)
{
  static const char *const keys[] = { "virtualDev", "networkName",
    "addressType", "generatedAddress", "address", "connectionType", NULL };
  char k[64];

  for (int i = 0; keys[i]; ++i) {
    snprintf (k, sizeof k, "ethernet%u.%s", e, keys[i]);
    if (v2v_dict_get (pairs, k))
      return true;
  }
  return false;
}

static int
add_nics (struct v2v_vmx *vmx, const struct v2v_dict *pairs)
{
  unsigned e;

  for (e = 0; e < 100 && vmx->nr_nics < VMX_MAX_NICS; ++e) {
    char k[64];
    const char *mac, *net;
    struct v2v_vmx_nic *nic;

    snprintf (k, sizeof k, "ethernet%u.present", e);
    if (!v2v_dict_get_bool (pairs, k)) {
      if (v2v_dict_get (pairs, k) == NULL && nic_has_keys (pairs, e))
        note (vmx, "ethernet%u has no .present line: VMware does not "
              "attach it, nor does the conversion", e);
      continue;
    }
    mac = nic_mac (vmx, pairs, e);
    snprintf (k, sizeof k, "ethernet%u.networkName", e);
    net = v2v_dict_get (pairs, k);
    nic = &vmx->nics[vmx->nr_nics];
    nic->mac = mac ? strdup (mac) : NULL;
    if (nic->mac)
      for (char *p = nic->mac; *p; ++p)
        *p = (char) tolower ((unsigned char) *p);
    nic->network = strdup (net ? net : "");
    snprintf (k, sizeof k, "ethernet%u.virtualDev", e);
    nic->model = strdup (v2v_dict_get (pairs, k) ? v2v_dict_get (pairs, k) : "e1000");
    if ((mac && !nic->mac) || !nic->network || !nic->model)
      return -1;
    vmx->nr_nics++;
  }
  return 0;
}

/* The VM's memory and vCPUs as VMware runs it: memSize (MiB) and
 * numvcpus, VMware's defaults when absent (32 MiB, 1 vCPU), with a note
 * when a default was taken or a value could not be read.
 */
static void
memory_and_vcpus (struct v2v_vmx *vmx, const struct v2v_dict *pairs)
{
  if (!v2v_dict_get_uint (pairs, "memSize", 16 * 1024 * 1024, &vmx->memory_mib)) {
    vmx->memory_mib = 32;
    note (vmx, "memSize is %s: VMware's default, 32 MiB, is used "
          "(vm --memory sets it)", v2v_dict_get (pairs, "memSize") ? "not a size"
          : "not given");
  }
  if (!v2v_dict_get_uint (pairs, "numvcpus", 768, &vmx->vcpus)) {
    vmx->vcpus = 1;
    if (v2v_dict_get (pairs, "numvcpus"))
      note (vmx, "numvcpus is not a count: 1 vCPU, VMware's default, "
            "is used (vm --vcpus sets it)");
  }
}

/* A key given twice: refused when the values differ (VMware itself
 * refuses the file, and which value the VM ran with cannot be known),
 * a note when they agree.  Returns 0 or -1 with err set.
 */
static int
check_repeats (struct v2v_vmx *vmx, const struct v2v_dict *p, char *err,
               size_t errlen)
{
  char key[65];
  const char *k;
  size_t i;

  if (p->conflict[0] >= 0) {
    /* the key as letters, digits and . _ : - only (it is the file's) */
    k = p->pairs[p->conflict[1]].key;
    for (i = 0; k[i] && i < sizeof key - 1; ++i)
      key[i] = isalnum ((unsigned char) k[i]) || strchr ("._:-", k[i])
        ? k[i] : '?';
    key[i] = '\0';
    snprintf (err, errlen, "key %s is given twice with different values "
              "(lines %u and %u): VMware refuses such a file; remove one "
              "of them", key, p->pairs[p->conflict[0]].line,
              p->pairs[p->conflict[1]].line);
    return -1;
  }
  if (p->same >= 0)
    note (vmx, "a key is given twice with the same value (line %u): "
          "VMware Workstation and Fusion refuse to open such a file",
          p->pairs[p->same].line);
  return 0;
}

int
v2v_vmx_parse (const char *text, size_t len, struct v2v_vmx *vmx,
               char *err, size_t errlen)
{
  struct v2v_dict all, *pairs = &all;
  int i, ret = -1;
  const char *v;

  memset (vmx, 0, sizeof *vmx);
  err[0] = '\0';
  if (len > VMX_MAX_SIZE) {
    snprintf (err, errlen, "larger than %d bytes: not a .vmx file",
              VMX_MAX_SIZE);
    return -1;
  }
  if (memchr (text, '\0', len)) {
    snprintf (err, errlen, "contains NUL bytes: not a .vmx file");
    return -1;
  }
  if (v2v_dict_parse (text, len, pairs) == -1) {
    snprintf (err, errlen, "out of memory");
    goto out;
  }
  /* An encrypted .vmx keeps only a few keys in the clear: its version
   * and devices are inside encryption.data.
   */
  if (v2v_dict_get (pairs, "encryption.keySafe") || v2v_dict_get (pairs, "encryption.data")) {
    snprintf (err, errlen, "the VM is encrypted (encryption.keySafe): its "
              "settings and disks are ciphertext; remove the encryption in "
              "VMware first (vSphere: a storage policy without encryption; "
              "Workstation, Fusion: Access Control, Remove Encryption)");
    goto out;
  }
  if (v2v_dict_get (pairs, "config.version") == NULL &&
      v2v_dict_get (pairs, "virtualHW.version") == NULL) {
    snprintf (err, errlen, "no config.version or virtualHW.version: not a "
              ".vmx file");
    goto out;
  }
  if (check_repeats (vmx, pairs, err, errlen) == -1)
    goto out;
  v = v2v_dict_get (pairs, "displayName");
  vmx->name = strdup (v ? v : "");
  memory_and_vcpus (vmx, pairs);
  v = v2v_dict_get (pairs, "firmware");
  vmx->firmware = v && strcasecmp (v, "efi") == 0 ? V2V_FW_UEFI : V2V_FW_BIOS;
  v = v2v_dict_get (pairs, "guestOS");
  vmx->guest_os = strdup (v ? v : "");
  vmx->disks = calloc (VMX_MAX_DISKS, sizeof *vmx->disks);
  vmx->nics = calloc (VMX_MAX_NICS, sizeof *vmx->nics);
  if (!vmx->name || !vmx->guest_os || !vmx->disks || !vmx->nics) {
    snprintf (err, errlen, "out of memory");
    goto out;
  }
  for (i = 0; i < pairs->nr_pairs; ++i)
    if (add_disk (vmx, pairs, i, err, errlen) == -1)
      goto out;
  if (vmx->nr_disks == 0) {
    snprintf (err, errlen, "the VM has no hard disk");
    goto out;
  }
  qsort (vmx->disks, vmx->nr_disks, sizeof *vmx->disks, compare_disks);
  if (add_nics (vmx, pairs) == -1) {
    snprintf (err, errlen, "out of memory");
    goto out;
  }
  ret = 0;
 out:
  v2v_dict_free (pairs);
  if (ret == -1)
    v2v_vmx_free (vmx);
  return ret;
}

void
v2v_vmx_free (struct v2v_vmx *vmx)
{
  size_t i;

  for (i = 0; vmx->disks && i < vmx->nr_disks; ++i)
    free (vmx->disks[i].file);
  for (i = 0; vmx->nics && i < vmx->nr_nics; ++i) {
    free (vmx->nics[i].mac);
    free (vmx->nics[i].network);
    free (vmx->nics[i].model);
  }
  free (vmx->disks);
  free (vmx->nics);
  free (vmx->name);
  free (vmx->guest_os);
  memset (vmx, 0, sizeof *vmx);
}

/* A descriptor .vmdk: the file name of its one flat extent (caller
 * frees), or NULL with the reason in err.
 */
char *
v2v_vmdk_extent (const char *text, size_t len, char *err, size_t errlen)
{
  struct v2v_dict all, *pairs = &all;
  const char *type, *parent;
  char *extent = NULL;
  int extents = 0;
  const char *p = text, *end = text + len;

  err[0] = '\0';
  if (len > 65536 || memchr (text, '\0', len) ||
      memmem (text, len, "# Disk DescriptorFile", 21) == NULL) {
    snprintf (err, errlen, "not a VMDK descriptor (a binary or sparse "
              "VMDK?): give the -flat.vmdk file, or convert the disk to "
              "a flat one in vSphere");
    return NULL;
  }
  if (v2v_dict_parse (text, len, pairs) == -1) {
    snprintf (err, errlen, "out of memory");
    goto out;
  }
  type = v2v_dict_get (pairs, "createType");
  parent = v2v_dict_get (pairs, "parentCID");
  if (parent && strcasecmp (parent, "ffffffff") != 0) {
    snprintf (err, errlen, "a snapshot (delta) disk: delete or consolidate "
              "the VM's snapshots in vSphere first");
    goto out;
  }
  if (type == NULL ||
      (strcasecmp (type, "vmfs") != 0 && strcasecmp (type, "monolithicFlat")
       != 0 && strcasecmp (type, "vmfsThin") != 0)) {
    snprintf (err, errlen, "disk type %s is not supported (%s)",
              type ? type : "(none)",
              type && strcasestr (type, "RawDeviceMap")
              ? "a raw device mapping: copy it to a virtual disk first"
              : type && strcasestr (type, "sparse")
              ? "a sparse or snapshot disk: consolidate it first"
              : "only flat VMFS disks");
    goto out;
  }
  if (v2v_dict_get (pairs, "ddb.encryption") || v2v_dict_get (pairs, "encoding.keySafe")) {
    snprintf (err, errlen, "the disk is encrypted: decrypt it first");
    goto out;
  }
  /* Extent lines: RW SECTORS VMFS "file" */
  while (p < end) {
    const char *eol = memchr (p, '\n', (size_t) (end - p));
    const char *le = eol ? eol : end;
    const char *q1, *q2;

    if ((le - p > 3 && strncmp (p, "RW ", 3) == 0) ||
        (le - p > 7 && strncmp (p, "RDONLY ", 7) == 0)) {
      q1 = memchr (p, '"', (size_t) (le - p));
      q2 = q1 ? memchr (q1 + 1, '"', (size_t) (le - q1 - 1)) : NULL;
      if (q2 && q2 > q1 + 1 && q2 - q1 < 512) {
        extents++;
        if (extent == NULL)
          extent = strndup (q1 + 1, (size_t) (q2 - q1 - 1));
      }
    }
    p = eol ? eol + 1 : end;
  }
  if (extents != 1) {
    snprintf (err, errlen, "%d extents: only single-extent flat disks are "
              "supported", extents);
    free (extent);
    extent = NULL;
  }
  else if (strchr (extent, '/') || strcmp (extent, "..") == 0) {
    snprintf (err, errlen, "extent '%s' is not in the disk's directory",
              extent);
    free (extent);
    extent = NULL;
  }
 out:
  v2v_dict_free (pairs);
  return extent;
}
