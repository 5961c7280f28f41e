/* For front ends that ask step by step (the wizard, "list vms"): which
 * VMs does the source hold?  The source's list_vms walks its tree
 * (source_ssh_list.c, source_https_list.c) and gives each entry to
 * lister_file, through the lister (so that the walks need nothing of
 * this file); each .vmx found is read and parsed here and the VM it
 * describes reported, or the problem that kept it from being read.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

#define MAX_VMX (1024 * 1024)
#define MAX_DESCRIPTOR 65536

/* Virtual size from a descriptor's extent lines ("RW 8388608 VMFS ..."). */
static uint64_t
descriptor_bytes (const char *text)
{
  uint64_t total = 0;
  const char *p = text;

  while (p && *p) {
    unsigned long long sectors;
    while (*p == ' ' || *p == '\t')
      p++;
    if ((strncmp (p, "RW ", 3) == 0 || strncmp (p, "RDONLY ", 7) == 0) &&
        sscanf (strchr (p, ' ') + 1, "%llu", &sectors) == 1)
      total += sectors * 512;
    p = strchr (p, '\n');
    if (p)
      p++;
  }
  return total;
}

static void
report_vmx (struct v2v_lister *l, const char *path)
{
  struct run *run = l->run;
  CLEANUP_FREE char *text = NULL;
  struct v2v_found_vm vm = { .vmx = path };
  struct v2v_strbuf nets = { 0 };
  struct v2v_vmx vmx = { 0 };
  char err[256];
  size_t len, i;

  text = v2v_source_fetch (run, path, l->dc, MAX_VMX, &len);
  if (text == NULL) {
    vm.problem = v2v_last_error ();
    l->fn (&vm, l->opaque);
    return;
  }
  if (v2v_vmx_parse (text, len, &vmx, err, sizeof err) == -1) {
    vm.problem = err;
    l->fn (&vm, l->opaque);
    return;
  }
  vm.name = vmx.name;
  vm.guest_os = vmx.guest_os;
  vm.memory_mib = vmx.memory_mib;
  vm.vcpus = vmx.vcpus;
  vm.firmware = vmx.firmware;
  vm.nr_disks = vmx.nr_disks;
  vm.nr_nics = vmx.nr_nics;
  for (i = 0; i < vmx.nr_disks; ++i) {
    CLEANUP_FREE char *desc_path = v2v_vmx_resolve (path, vmx.disks[i].file);
    CLEANUP_FREE char *desc = NULL;
    if (desc_path && (desc = v2v_source_fetch (run, desc_path, l->dc,
                                               MAX_DESCRIPTOR, &len)))
      vm.disk_bytes += descriptor_bytes (desc);
  }
  for (i = 0; i < vmx.nr_nics; ++i)
    v2v_sb_printf (&nets, "%s%s", i ? ", " : "", vmx.nics[i].network);
  {
    CLEANUP_FREE char *n = v2v_sb_finish (&nets);
    vm.networks = n ? n : "";
    l->fn (&vm, l->opaque);
  }
  v2v_vmx_free (&vmx);
  v2v_clear_error ();
}

static bool
is_vmx (const char *name)
{
  size_t n = strlen (name);

  return n > 4 && strcasecmp (name + n - 4, ".vmx") == 0;
}

static void
lister_file (struct v2v_lister *l, const char *ds, const char *dir,
                 const char *name, bool is_dir)
{
  CLEANUP_FREE char *path = NULL;

  if (is_dir || !is_vmx (name))
    return;
  if (asprintf (&path, "[%s] %s/%s", ds, dir, name) == -1) {
    path = NULL;
    l->nomem = true;
    return;
  }
  l->found++;
  report_vmx (l, path);
}

int
v2v_list_vms (const struct v2v_config *cfg, v2v_found_vm_fn fn, void *opaque)
{
  struct run run;
  const struct v2v_source_ops *ops = v2v_source_ops_for (cfg->source.type);
  struct v2v_lister l = { .run = &run, .file = lister_file, .fn = fn,
                          .opaque = opaque,
                          .dc = v2v_source_datacenter (cfg) };
  int r = -1;

  if (v2v_quick_look_begin (&run, cfg, "source") == -1 || v2v_open_source (&run) == -1)
    goto out;
  r = ops->list_vms (&l);
  if (r == 0 && l.nomem) {
    v2v_error ("out of memory");
    r = -1;
  }
  else if (r == 0 && l.found == 0) {
    v2v_error_kind (V2V_ERR_NOT_FOUND, NULL,
                    "%s: no .vmx found (looked in %s): type the path of the "
                    "VM's .vmx or disk instead", cfg->source.server,
                    ops->list_where);
    r = -1;
  }
 out:
  v2v_run_cleanup (&run, false);
  return r;
}
