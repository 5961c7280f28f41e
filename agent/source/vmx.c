/* VMware .vmx files and .vmdk descriptors: a small bounded parser.
 *
 * A .vmx is lines of `key = "value"`; keys are case-insensitive.  We take
 * what a conversion needs: the display name, memory, vCPUs, firmware, the
 * hard disks in controller order (scsi, sata, nvme, ide; then bus and
 * unit) and the NICs with their MACs and network names.  A descriptor
 * .vmdk names its extent file; snapshots, raw device mappings, sparse and
 * encrypted disks are refused up front with the reason.
 *
 * Input comes from the network: sizes, counts and lengths are capped, and
 * nothing here trusts a number it did not check.  Fuzzed by
 * tests/fuzz/fuzz-vmx.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "common/vector.h"

#define VMX_MAX_SIZE (1024 * 1024)
#define VMX_MAX_VALUE 1024
#define VMX_MAX_DISKS 64
#define VMX_MAX_NICS 32

static const char *const controllers[] = { "scsi", "sata", "nvme", "ide",
                                           NULL };

struct kv {
  char *key, *value;
};
DEFINE_VECTOR_TYPE (kv_vector, struct kv);

/* The pairs of a file and an index over them: the pairs sorted by key
 * in any case (keys are case-insensitive), one entry per key, the last
 * assignment's (the last one wins, as in VMware's own reader).  A lookup
 * is a binary search, so a file of the largest size parses in a fraction
 * of a second whatever its keys (a hash table could be made to collide).
 */
struct pairs {
  struct kv_vector kv;
  int n;                        /* kv.len */
  int *order;                   /* indexes into kv, by key */
  int nr_order;
};

static int
compare_order (const void *a, const void *b, void *opaque)
{
  const struct kv *kv = opaque;
  int x = *(const int *) a, y = *(const int *) b;
  int c = strcasecmp (kv[x].key, kv[y].key);

  return c ? c : x - y;
}

/* Fill p->order for p->kv[0 .. p->n).  Returns 0 or -1 (out of memory). */
static int
index_pairs (struct pairs *p)
{
  int i, m = 0;

  p->order = malloc (((size_t) p->n + 1) * sizeof *p->order);
  if (p->order == NULL)
    return -1;
  for (i = 0; i < p->n; ++i)
    p->order[i] = i;
  qsort_r (p->order, (size_t) p->n, sizeof *p->order, compare_order, p->kv.ptr);
  /* of a run of equal keys keep the last, the latest assignment */
  for (i = 0; i < p->n; ++i) {
    if (i + 1 < p->n && strcasecmp (p->kv.ptr[p->order[i]].key,
                                    p->kv.ptr[p->order[i + 1]].key) == 0)
      continue;
    p->order[m++] = p->order[i];
  }
  p->nr_order = m;
  return 0;
}

static void
free_pairs (struct pairs *p)
{
  int i;

  for (i = 0; i < p->n; ++i) {
    free (p->kv.ptr[i].key);
    free (p->kv.ptr[i].value);
  }
  kv_vector_reset (&p->kv);
  free (p->order);
  memset (p, 0, sizeof *p);
}

/* Split text into key/value pairs and index them.  Returns 0 or -1 (out
 * of memory); p is freed with free_pairs either way.
 */
static int
split_pairs (const char *text, size_t len, struct pairs *p)
{
  const char *q = text, *end = text + len;

  memset (p, 0, sizeof *p);
  while (q < end) {
    const char *eol = memchr (q, '\n', (size_t) (end - q));
    const char *le = eol ? eol : end;
    const char *k, *ke, *v, *ve;

    k = q;
    while (k < le && isspace ((unsigned char) *k))
      k++;
    q = eol ? eol + 1 : end;
    if (k == le || *k == '#')
      continue;
    ke = memchr (k, '=', (size_t) (le - k));
    if (ke == NULL)
      continue;
    v = ke + 1;
    while (ke > k && isspace ((unsigned char) ke[-1]))
      ke--;
    while (v < le && isspace ((unsigned char) *v))
      v++;
    ve = le;
    while (ve > v && isspace ((unsigned char) ve[-1]))
      ve--;
    if (ve - v >= 2 && *v == '"' && ve[-1] == '"') {
      v++;
      ve--;
    }
    if (ke == k || ve - v > VMX_MAX_VALUE || p->kv.len >= 100000)
      continue;
    {
      struct kv e = { strndup (k, (size_t) (ke - k)),
                      strndup (v, (size_t) (ve - v)) };
      if (!e.key || !e.value || kv_vector_append (&p->kv, e) == -1) {
        free (e.key);
        free (e.value);
        return -1;
      }
    }
    p->n = (int) p->kv.len;
  }
  return index_pairs (p);
}

/* The value of the last assignment to key, in any case, or NULL. */
static const char *
get (const struct pairs *p, const char *key)
{
  int lo = 0, hi = p->nr_order;

  while (lo < hi) {
    int mid = lo + (hi - lo) / 2;
    const struct kv *kv = &p->kv.ptr[p->order[mid]];
    int c = strcasecmp (key, kv->key);
    if (c == 0)
      return kv->value;
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return NULL;
}

static bool
get_bool (const struct pairs *pairs, const char *key)
{
  const char *v = get (pairs, key);

  return v && (strcasecmp (v, "true") == 0 || strcmp (v, "1") == 0);
}

static bool
get_uint (const struct pairs *pairs, const char *key, unsigned max,
          unsigned *ret)
{
  const char *v = get (pairs, key);
  char *end;
  unsigned long u;

  if (v == NULL || !isdigit ((unsigned char) v[0]))
    return false;
  u = strtoul (v, &end, 10);
  if (*end != '\0' || u == 0 || u > max)
    return false;
  *ret = (unsigned) u;
  return true;
}

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

static int
add_disk (struct v2v_vmx *vmx, const struct pairs *pairs, int i,
          char *err, size_t errlen)
{
  char prefix[64], k[96];
  const char *type, *mode;
  int c;
  unsigned bus, unit;
  struct v2v_vmx_disk *d;

  if (!parse_disk_key (pairs->kv.ptr[i].key, &c, &bus, &unit))
    return 0;
  snprintf (prefix, sizeof prefix, "%.*s",
            (int) (strchr (pairs->kv.ptr[i].key, '.') - pairs->kv.ptr[i].key),
            pairs->kv.ptr[i].key);
  snprintf (k, sizeof k, "%s.present", prefix);
  if (get (pairs, k) && !get_bool (pairs, k))
    return 0;
  snprintf (k, sizeof k, "%s.deviceType", prefix);
  type = get (pairs, k);
  if (type && strcasecmp (type, "disk") != 0 &&
      strcasecmp (type, "scsi-hardDisk") != 0 &&
      strcasecmp (type, "ata-hardDisk") != 0) {
    if (strcasestr (type, "rawDisk") || strcasestr (type, "scsi-passthru")) {
      snprintf (err, errlen, "%s is a raw device mapping (%s): RDM disks "
                "cannot be converted; copy them to a virtual disk first",
                prefix, type);
      return -1;
    }
    return 0;                   /* CD-ROM, floppy... */
  }
  snprintf (k, sizeof k, "%s.mode", prefix);
  mode = get (pairs, k);
  if (mode && strcasestr (mode, "independent-nonpersistent")) {
    snprintf (err, errlen, "%s is an independent non-persistent disk: its "
              "changes live in a redo log; make it persistent first", prefix);
    return -1;
  }
  /* The same controller:unit given twice: the last one wins. */
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
  snprintf (k, sizeof k, "%s.fileName", prefix);
  /* (a prefix too long for the buffer, such as scsi0:000...0, finds no
   * key: take this line's own value)
   */
  d->file = strdup (get (pairs, k) ? get (pairs, k) : pairs->kv.ptr[i].value);
  if (d->file == NULL) {
    snprintf (err, errlen, "out of memory");
    return -1;
  }
  vmx->nr_disks++;
  return 0;
}

static int
add_nics (struct v2v_vmx *vmx, const struct pairs *pairs)
{
  unsigned e;

  for (e = 0; e < 100 && vmx->nr_nics < VMX_MAX_NICS; ++e) {
    char k[64];
    const char *type, *mac = NULL, *net;
    struct v2v_vmx_nic *nic;

    snprintf (k, sizeof k, "ethernet%u.present", e);
    if (!get_bool (pairs, k))
      continue;
    snprintf (k, sizeof k, "ethernet%u.addressType", e);
    type = get (pairs, k);
    snprintf (k, sizeof k, "ethernet%u.%s", e,
              type && strcasecmp (type, "static") == 0 ? "address"
              : "generatedAddress");
    mac = get (pairs, k);
    if (mac == NULL) {
      snprintf (k, sizeof k, "ethernet%u.address", e);
      mac = get (pairs, k);
    }
    snprintf (k, sizeof k, "ethernet%u.networkName", e);
    net = get (pairs, k);
    nic = &vmx->nics[vmx->nr_nics];
    nic->mac = mac && valid_mac (mac) ? strdup (mac) : NULL;
    if (nic->mac)
      for (char *p = nic->mac; *p; ++p)
        *p = (char) tolower ((unsigned char) *p);
    nic->network = strdup (net ? net : "");
    snprintf (k, sizeof k, "ethernet%u.virtualDev", e);
    nic->model = strdup (get (pairs, k) ? get (pairs, k) : "e1000");
    if (!nic->network || !nic->model)
      return -1;
    vmx->nr_nics++;
  }
  return 0;
}

int
v2v_vmx_parse (const char *text, size_t len, struct v2v_vmx *vmx,
               char *err, size_t errlen)
{
  struct pairs all, *pairs = &all;
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
  if (split_pairs (text, len, pairs) == -1) {
    snprintf (err, errlen, "out of memory");
    goto out;
  }
  if (get (pairs, "config.version") == NULL &&
      get (pairs, "virtualHW.version") == NULL) {
    snprintf (err, errlen, "no config.version or virtualHW.version: not a "
              ".vmx file");
    goto out;
  }
  if (get (pairs, "encryption.keySafe") ||
      get (pairs, "encryption.data")) {
    snprintf (err, errlen, "the VM is encrypted: decrypt it in vSphere "
              "first");
    goto out;
  }
  v = get (pairs, "displayName");
  vmx->name = strdup (v ? v : "");
  if (!get_uint (pairs, "memSize", 16 * 1024 * 1024, &vmx->memory_mib))
    vmx->memory_mib = 0;
  if (!get_uint (pairs, "numvcpus", 768, &vmx->vcpus))
    vmx->vcpus = 0;
  v = get (pairs, "firmware");
  vmx->firmware = v && strcasecmp (v, "efi") == 0 ? V2V_FW_UEFI : V2V_FW_BIOS;
  v = get (pairs, "guestOS");
  vmx->guest_os = strdup (v ? v : "");
  vmx->disks = calloc (VMX_MAX_DISKS, sizeof *vmx->disks);
  vmx->nics = calloc (VMX_MAX_NICS, sizeof *vmx->nics);
  if (!vmx->name || !vmx->guest_os || !vmx->disks || !vmx->nics) {
    snprintf (err, errlen, "out of memory");
    goto out;
  }
  for (i = 0; i < pairs->n; ++i)
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
  free_pairs (pairs);
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
  struct pairs all, *pairs = &all;
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
  if (split_pairs (text, len, pairs) == -1) {
    snprintf (err, errlen, "out of memory");
    goto out;
  }
  type = get (pairs, "createType");
  parent = get (pairs, "parentCID");
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
  if (get (pairs, "ddb.encryption") || get (pairs, "encoding.keySafe")) {
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
  free_pairs (pairs);
  return extent;
}
