/* The VM to convert: from the kickstart's disk commands, or discovered
 * from its .vmx on the source (disks in controller order, each
 * descriptor resolved to its flat extent; NICs with their MACs and
 * networks; name, memory, vCPUs, firmware).  Every refusal (snapshot,
 * RDM, encrypted, sparse) happens here, before any overlay exists, and
 * what the parser noted (a device skipped, a default taken) is warned.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "common/vector.h"

#define MAX_VMX (1024 * 1024)
#define MAX_DESCRIPTOR 65536

/* The libvirt network for a source network name: the first matching
 * network --map, else "default".
 */
static const char *
map_network (const struct v2v_config *cfg, const char *from)
{
  size_t i;

  for (i = 0; i < cfg->nr_netmaps; ++i)
    if (strcmp (cfg->netmaps[i].from, from) == 0)
      return cfg->netmaps[i].to;
  return "default";
}

/* run->nics and run->disks grow as vectors (common/vector.h); the run
 * keeps the array and its length, so its cleanup frees what was added
 * even when discovery fails half way.
 */
DEFINE_VECTOR_TYPE (nic_vector, struct v2v_nic);
DEFINE_VECTOR_TYPE (disk_vector, struct disk_state);

static int
add_nic (struct run *run, const char *mac, const char *network)
{
  struct nic_vector v = { run->nics, run->nr_nics, run->nr_nics };
  struct v2v_nic n = { .network = network };

  n.mac = mac ? strdup (mac) : v2v_random_mac ();
  if (n.mac == NULL && mac == NULL) {
    v2v_error ("cannot make a MAC address for a NIC: %m");
    return -1;
  }
  if (n.mac == NULL || nic_vector_append (&v, n) == -1) {
    free (n.mac);
    v2v_error ("out of memory");
    return -1;
  }
  run->nics = v.ptr;
  run->nr_nics = v.len;
  return 0;
}

static int
add_disk (struct run *run, char *path, const char *datacenter)
{
  struct disk_vector v = { run->disks, run->nr_disks, run->nr_disks };
  struct disk_state d = { .path = path, .label = path,
                          .datacenter = datacenter };

  if (path == NULL || disk_vector_append (&v, d) == -1) {
    free (path);
    v2v_error ("out of memory");
    return -1;
  }
  run->disks = v.ptr;
  run->nr_disks = v.len;
  return 0;
}

static void
apply_overrides (struct run *run)
{
  const struct v2v_vm *vm = &run->cfg->vm;

  if (vm->memory_mib)
    run->memory_mib = vm->memory_mib;
  if (vm->vcpus)
    run->vcpus = vm->vcpus;
  if (vm->firmware != V2V_FW_AUTO)
    run->firmware = vm->firmware;
  if (run->memory_mib == 0)
    run->memory_mib = 2048;
  if (run->vcpus == 0)
    run->vcpus = 1;
}

int
v2v_vm_from_config (struct run *run)
{
  const struct v2v_config *cfg = run->cfg;
  size_t i;

  for (i = 0; i < cfg->nr_disks; ++i)
    if (add_disk (run, strdup (cfg->disks[i].path),
                  cfg->disks[i].datacenter) == -1)
      return -1;
  run->name = strdup (cfg->vm.name);
  /* One NIC until the source says more. */
  if (run->name == NULL ||
      add_nic (run, NULL, cfg->nr_netmaps > 0 ? cfg->netmaps[0].to
               : "default") == -1) {
    v2v_error ("out of memory");
    return -1;
  }
  apply_overrides (run);
  return 0;
}

/* A VM name libvirt and file names accept, from a display name. */
static char *
sanitize_name (const char *display)
{
  char *s = strdup (display[0] ? display : "converted-vm");
  size_t i;

  if (s == NULL)
    return NULL;
  for (i = 0; s[i]; ++i)
    if (!isalnum ((unsigned char) s[i]) && !strchr ("._-", s[i]))
      s[i] = '-';
  if (s[0] == '.' || s[0] == '-')
    s[0] = 'v';
  if (i > 64)
    s[64] = '\0';
  return s;
}

/* Where a file named in the .vmx lives, as a disk path: relative names
 * are in the .vmx's directory; /vmfs/volumes/DS/rest is "[DS] rest".
 * Caller frees; NULL if it cannot be placed.
 */
char *
v2v_vmx_resolve (const char *vmx_path, const char *file)
{
  char *out = NULL;
  const char *slash = strrchr (vmx_path, '/');
  const char *close = strchr (vmx_path, ']');

  if (file[0] == '/') {
    if (strncmp (file, "/vmfs/volumes/", 14) == 0) {
      const char *ds = file + 14, *rest = strchr (ds, '/');
      if (rest && rest > ds &&
          asprintf (&out, "[%.*s] %s", (int) (rest - ds), ds, rest + 1) == -1)
        out = NULL;
      return out;
    }
    return strdup (file);
  }
  if (slash == NULL && close != NULL)   /* "[ds] name.vmx" */
    slash = close;
  if (slash == NULL)
    return NULL;
  if (asprintf (&out, "%.*s%s%s", (int) (slash - vmx_path + 1), vmx_path,
                *slash == ']' ? " " : "", file) == -1)
    out = NULL;
  return out;
}

int
v2v_vm_from_vmx (struct run *run)
{
  const struct v2v_config *cfg = run->cfg;
  const char *dc = cfg->vm.datacenter;
  CLEANUP_FREE char *text = NULL;
  struct v2v_vmx vmx;
  char err[256];
  size_t len, i;
  int ret = -1;

  text = v2v_source_fetch (run, cfg->vm.vmx, dc, MAX_VMX, &len);
  if (text == NULL)
    return -1;
  if (v2v_vmx_parse (text, len, &vmx, err, sizeof err) == -1) {
    v2v_error ("%s: %s", cfg->vm.vmx, err);
    return -1;
  }
  for (i = 0; i < vmx.nr_notes; ++i)
    v2v_warning (run, "%s: %s", cfg->vm.vmx, vmx.notes[i]);
  for (i = 0; i < vmx.nr_disks; ++i) {
    CLEANUP_FREE char *desc_path = v2v_vmx_resolve (cfg->vm.vmx,
                                                    vmx.disks[i].file);
    CLEANUP_FREE char *desc = NULL, *extent = NULL;

    if (desc_path == NULL) {
      v2v_error ("%s: cannot locate disk %s", cfg->vm.vmx,
                 vmx.disks[i].file);
      goto out;
    }
    desc = v2v_source_fetch (run, desc_path, dc, MAX_DESCRIPTOR, &len);
    if (desc == NULL)
      goto out;
    extent = v2v_vmdk_extent (desc, len, err, sizeof err);
    if (extent == NULL) {
      v2v_error ("%s: %s", desc_path, err);
      goto out;
    }
    if (add_disk (run, v2v_vmx_resolve (desc_path, extent), dc) == -1)
      goto out;
    v2v_info (run, "disk %zu: %s", i, run->disks[i].path);
  }
  for (i = 0; i < vmx.nr_nics; ++i) {
    const char *net = map_network (cfg, vmx.nics[i].network);
    if (add_nic (run, vmx.nics[i].mac, net) == -1)
      goto out;
    v2v_info (run, "NIC %zu: %s on \"%s\" -> network %s", i,
              run->nics[i].mac, vmx.nics[i].network, net);
  }
  run->name = cfg->vm.name ? strdup (cfg->vm.name) : sanitize_name (vmx.name);
  if (run->name == NULL) {
    v2v_error ("out of memory");
    goto out;
  }
  run->memory_mib = vmx.memory_mib;
  run->vcpus = vmx.vcpus;
  run->firmware = vmx.firmware;
  apply_overrides (run);
  v2v_info (run, "%s: \"%s\" (%s), %u MiB, %u vCPUs, %s, %zu disk%s, "
            "%zu NIC%s", cfg->vm.vmx, vmx.name, vmx.guest_os,
            run->memory_mib, run->vcpus,
            run->firmware == V2V_FW_UEFI ? "UEFI" : "BIOS", vmx.nr_disks,
            vmx.nr_disks == 1 ? "" : "s", vmx.nr_nics,
            vmx.nr_nics == 1 ? "" : "s");
  ret = 0;
 out:
  v2v_vmx_free (&vmx);
  return ret;
}
